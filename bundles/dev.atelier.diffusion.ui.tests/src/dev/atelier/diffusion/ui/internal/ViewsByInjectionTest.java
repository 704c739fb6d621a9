package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Optional;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.outputs.ui.OutputParameters;
import dev.atelier.outputs.ui.OutputsUi;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Commands;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;

/**
 * The Diffusion view made by E4 injection as the workbench makes it, from an OSGi service context: services through
 * {@code @Service}, the event broker over EventAdmin, the view's {@code @UIEventTopic} subscription; the Gallery's
 * Reuse parameters executed as the Gallery executes it, through the command and handler services, reaching the form.
 */
class ViewsByInjectionTest {

	@TempDir
	Path dir;

	@Test
	void reuseParametersExecutedAsACommandFillsTheDiffusionViewsFormThroughTheEventBroker() throws Exception {
		Display display = Display.getDefault();
		BundleContext bundle = FrameworkUtil.getBundle(ViewsByInjectionTest.class).getBundleContext();
		Path outputs = dir.resolve("outputs");
		GenerationRequest made = new GenerationRequest("a windmill", "rain", Sampler.DPMPP_2M, 18, 5.5, 31337, 512, 768, 1, null, 0.75);
		Path file = Fakes.png(outputs.resolve("diffusion/00000-31337.png"), 64, 96, 0x808080, made);
		Hashtable<String, Object> ranking = new Hashtable<>();
		ranking.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
		ServiceRegistration<DiffusionService> registration = bundle.registerService(DiffusionService.class, new Fakes.Diffusion(Fakes.jobs(), outputs),
				ranking);
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		IEclipseContext context = EclipseContextFactory.getServiceContext(bundle).createChild("views");
		try {
			context.set(UISynchronize.class, new DisplaySynchronize(display));
			// as E4Application does with the application context: the injector's own suppliers (@UIEventTopic's
			// among them) take their UISynchronize from here
			ContextInjectionFactory.setDefault(context);
			IEclipseContext diffusionContext = context.createChild("diffusion");
			diffusionContext.set(Composite.class, new Composite(shell, SWT.NONE));
			DiffusionPart diffusion = ContextInjectionFactory.make(DiffusionPart.class, diffusionContext);
			shell.open();

			Commands commands = Commands.in(context).define(OutputsUi.REUSE, OutputsUi.REUSE_FILE).handle(OutputsUi.REUSE, new ReuseParametersHandler());
			ParameterizedCommand reuse = commands.command(OutputsUi.REUSE, Map.of(OutputsUi.REUSE_FILE, file.toString()));
			assertTrue(commands.handlerService().canExecute(reuse));
			CompletableFuture<?> said = ((CompletionStage<?>) commands.handlerService().executeHandler(reuse)).toCompletableFuture();
			Displays.spinUntil(display, said::isDone);
			assertEquals("Sent seed 31337 and its settings to the Diffusion view.", said.join());
			assertEquals(made, diffusion.form.request(), "the Diffusion view heard the request and took it into its form");
			assertEquals("a windmill", diffusion.form.prompt.getText());
			assertEquals("DPM++ 2M", diffusion.form.sampler.getText());
			assertFalse(commands.handlerService().canExecute(commands.command(OutputsUi.REUSE, Map.of())), "no file, nothing to reuse");
		} finally {
			ContextInjectionFactory.setDefault(null);
			context.dispose();
			shell.dispose();
			registration.unregister();
		}
	}

	@Test
	void theGalleryListsAGeneratedImagesParametersThroughTheRegisteredReader() throws Exception {
		GenerationRequest made = new GenerationRequest("a lighthouse", "fog", Sampler.EULER, 12, 7, 5, 512, 768, 1, null, 0.75);
		Path with = Fakes.png(dir.resolve("00000-5.png"), 64, 96, 0x808080, made);
		Path without = Fakes.png(dir.resolve("00001-6.png"), 64, 96, 0x808080, null);
		OutputParameters reader = Services.await(ViewsByInjectionTest.class, OutputParameters.class);
		List<OutputParameters.Parameter> rows = reader.read(with).orElseThrow();
		assertEquals(new OutputParameters.Parameter("Prompt", "a lighthouse"), rows.get(0));
		assertEquals(new OutputParameters.Parameter("Negative prompt", "fog"), rows.get(1));
		assertEquals(new OutputParameters.Parameter("Steps", "12"), rows.get(2));
		assertEquals(new OutputParameters.Parameter("Sampler", "Euler"), rows.get(3));
		assertEquals(new OutputParameters.Parameter("CFG scale", "7"), rows.get(4));
		assertEquals(new OutputParameters.Parameter("Seed", "5"), rows.get(5));
		assertEquals(new OutputParameters.Parameter("Size", "512x768"), rows.get(6));
		assertEquals(Optional.empty(), reader.read(without));
	}
}
