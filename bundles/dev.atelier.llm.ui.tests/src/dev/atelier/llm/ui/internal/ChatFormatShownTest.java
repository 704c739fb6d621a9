package dev.atelier.llm.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.jobs.JobService;
import dev.atelier.llm.LlmService;
import dev.atelier.testing.Services;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;

/** The Assistant on the embedded engine with a real GGUF that has no chat template: the format it falls back to is shown. */
class ChatFormatShownTest {

	@Test
	void aModelWithoutAChatTemplateAnswersAndTheViewSaysWhichFormatItFellBackTo(@TempDir Path dir) throws Exception {
		String data = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(data != null && !data.isBlank(), "ATELIER_TESTDATA is not set: no vocabulary to make a model of");
		Path model = dir.resolve("no-template.gguf");
		synth(dir, Path.of(data, "llm/gguf-vocab/ggml-vocab-llama-spm.gguf"), model);
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(800, 600);
		AssistantPart part = new AssistantPart(Services.await(ChatFormatShownTest.class, JobService.class), new DisplaySynchronize(display));
		part.llm(Services.await(ChatFormatShownTest.class, LlmService.class));
		part.create(shell);
		shell.open();
		try {
			part.location.setText(model.toString());
			part.maxTokens.setSelection(2);
			part.input.setText("hello");
			part.send();
			Displays.spinUntil(display, () -> part.send.getEnabled() && part.footer.getText().matches("\\d+ tokens.*|No answer\\."));
			assertTrue(part.modelStatus.getText().startsWith("no-template.gguf: loaded on "), part.modelStatus.getText());
			assertTrue(part.modelStatus.getText().endsWith("; chat format: chatml (the default: the model has no chat template)"),
					"the default the model falls back to is in sight: " + part.modelStatus.getText());
		} finally {
			part.close();
			shell.dispose();
		}
	}

	/** {@code atelier llm synth --shape tiny --type q8_0 --vocab VOCAB --out MODEL}, through the llm bundle's subcommand. */
	private static void synth(Path workspace, Path vocab, Path model) throws Exception {
		Services.await(ChatFormatShownTest.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(ChatFormatShownTest.class).getBundleContext();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		CommandContext ctx = CommandContext.of(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), TestEnvironment.at(workspace));
		List<Subcommand> all = context.getServiceReferences(Subcommand.class, null).stream().map(context::getService).toList();
		int exit = Cli.run(all, ctx, List.of("llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab", vocab.toString(), "--out", model.toString()));
		assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
	}
}
