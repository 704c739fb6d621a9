package dev.atelier.ui.internal.parts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.InfoContributor;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Preferences;
import dev.atelier.core.SampleModel;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.ui.AtelierUi;
import dev.atelier.ui.Forms;
import dev.atelier.ui.internal.handlers.OpenHandler;
import dev.atelier.ui.internal.handlers.ShowViewHandler;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/**
 * The first page of the centre stack, a getting-started page: choose the models folder (and see what it holds), try
 * a model in the Assistant or the Diffusion view (the tiny test models written and opened for a first try), open a
 * scene, see the GPU and what fits on it. Its buttons run the
 * workbench's own commands (Show View, File ▸ Open), so they do what the menus do.
 */
public final class WelcomePart {

	static final String DIFFUSION_VIEW = "dev.atelier.diffusion.ui.part.diffusion";
	static final String ASSISTANT_VIEW = "dev.atelier.llm.ui.part.assistant";
	static final String VIEWPORT_VIEW = "dev.atelier.viewport.ui.part.viewport";
	static final String DEVICES_VIEW = "dev.atelier.device.ui.part.devices";

	@Inject
	@Service
	private AtelierEnvironment env;

	@Inject
	@Service
	private Preferences preferences;

	@Inject
	@Service
	private List<InfoContributor> contributors;

	/** The tiny models the views' bundles offer to try. */
	@Inject
	@Service
	private List<SampleModel> samples;

	@Inject
	@Service
	private JobService jobs;

	@Inject
	private ECommandService commands;

	@Inject
	private EHandlerService handlers;

	@Inject
	private UISynchronize ui;

	@Inject
	private IStylingEngine styling;

	/** The models folder as typed; Use saves it. */
	Text modelsFolder;
	/** What the models folder holds. */
	Label modelsSummary;
	/** Why the folder typed cannot be used; empty when it can. */
	Label modelsProblem;
	/** The devices, as the device service describes them. */
	Label gpu;
	/** Writes the tiny test models and opens them. */
	Button tryTiny;
	/** The writing job's progress, shown while it runs. */
	ProgressBar tryProgress;
	/** What the tiny models are, then what was written and opened. */
	Label tryStatus;

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		Composite scrolling = Forms.scrolling(parent);
		scrolling.getParent().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		scrolling.setLayout(new GridLayout(1, false));
		Label title = new Label(scrolling, SWT.NONE);
		title.setText("Welcome to Atelier");
		title.setFont(JFaceResources.getHeaderFont());
		wrapping(scrolling, "A workbench for makers with one big NVIDIA GPU: image generation, a local LLM, PBR and "
				+ "path-traced scenes, CUDA kernels and power monitoring, sharing one device. Four steps to start:");

		Composite models = section(scrolling, "1. Choose a models folder",
				"Atelier's views and atelier serve find GGUF language models in its llm/ folder and Stable Diffusion pipelines "
						+ "(diffusers' ONNX layout) in its checkpoints/ folder.");
		Composite row = row(models, 3);
		modelsFolder = new Text(row, SWT.BORDER);
		modelsFolder.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		modelsFolder.setText(ModelsFolder.root(env.paths().workspaceRoot(), preferences).toString());
		modelsFolder.addListener(SWT.DefaultSelection, e -> useModelsFolder());
		button(row, "Browse…", this::browseModelsFolder);
		button(row, "Use this folder", this::useModelsFolder);
		modelsSummary = wrapping(models, "");
		modelsProblem = wrapping(models, "");
		styling.setClassname(modelsProblem, AtelierUi.ERROR_CLASS);

		Composite tryModel = section(scrolling, "2. Try a model",
				"Chat with a GGUF model (on the GPU, the CPU or a server) or generate an image from a prompt. Without a model yet, "
						+ "try the tiny test models: random weights, written into the models folder in a moment and opened in their "
						+ "views; they answer noise, but show a model load, run and stop.");
		Composite tryRow = row(tryModel, 3);
		tryTiny = button(tryRow, "Try the tiny test models", this::tryTinyModels);
		button(tryRow, "Chat in the Assistant", () -> showView(ASSISTANT_VIEW));
		button(tryRow, "Generate an image", () -> showView(DIFFUSION_VIEW));
		tryProgress = new ProgressBar(tryModel, SWT.HORIZONTAL);
		tryProgress.setMaximum(1000);
		tryProgress.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		tryProgress.setVisible(false);
		tryStatus = wrapping(tryModel, samples.isEmpty() ? "No view offers a tiny model to try."
				: "The tiny test models: " + String.join("; ", samples.stream().map(SampleModel::description).toList()) + ".");

		Composite scene = section(scrolling, "3. Open a scene",
				"A glTF 2.0 scene (.gltf, .glb) in the Viewport: rasterised as you move, path traced when you stop; or a built-in "
						+ "scene (the Cornell box, spheres) from the Viewport's own menu.");
		Composite sceneRow = row(scene, 2);
		button(sceneRow, "Open a scene…", () -> execute(OpenHandler.COMMAND, Map.of()));
		button(sceneRow, "Show the Viewport", () -> showView(VIEWPORT_VIEW));

		Composite device = section(scrolling, "4. Your GPU and what fits on it",
				"The Devices view shows each device's memory by who holds it, and its planner says whether an image batch, "
						+ "an LLM and a scene fit together, and if not what would.");
		gpu = wrapping(device, devices());
		button(row(device, 1), "What fits on it…", () -> showView(DEVICES_VIEW));
		showModelsFolder();
	}

	/**
	 * Writes each view's tiny model into the models folder in a job (its progress shown here and in the Jobs view),
	 * then opens each as File ▸ Open does; what fails is said, naming the folder.
	 */
	JobHandle<List<Path>> tryTinyModels() {
		List<SampleModel> offered = List.copyOf(samples);
		if (offered.isEmpty()) {
			return null;
		}
		Path root = ModelsFolder.root(env.paths().workspaceRoot(), preferences);
		tryTiny.setEnabled(false);
		tryProgress.setSelection(0);
		tryProgress.setVisible(true);
		text(tryStatus, "Writing the tiny test models into " + root + "…");
		JobHandle<List<Path>> job = jobs.submit("Welcome: write the tiny test models", context -> {
			List<Path> written = new ArrayList<>();
			for (SampleModel sample : offered) {
				context.checkCancelled();
				written.add(sample.write(root, context));
			}
			return written;
		});
		showProgress(job);
		job.result().whenComplete((written, failure) -> ui.asyncExec(() -> {
			if (tryStatus.isDisposed()) {
				return;
			}
			tryTiny.setEnabled(true);
			tryProgress.setVisible(false);
			if (failure != null) {
				Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
				text(tryStatus, "Cannot write the tiny test models into " + root + ": " + cause.getMessage());
				return;
			}
			for (Path file : written) {
				execute(OpenHandler.COMMAND, Map.of(OpenHandler.FILE, file.toString()));
			}
			text(tryStatus, "Written and opened: " + String.join(", ", written.stream().map(Path::toString).toList()) + ".");
			showModelsFolder();
		}));
		return job;
	}

	/** The job's progress in the bar, read on the UI thread while the bar is shown. */
	private void showProgress(JobHandle<?> job) {
		if (tryProgress.isDisposed() || !tryProgress.isVisible()) {
			return;
		}
		double done = job.progress();
		tryProgress.setSelection(Double.isNaN(done) ? 0 : (int) Math.round(done * 1000));
		tryProgress.getDisplay().timerExec(100, () -> showProgress(job));
	}

	/** The device service's description of the devices, as {@code atelier info} gives it. */
	private String devices() {
		for (InfoContributor contributor : contributors) {
			String described = contributor.facts().get("devices");
			if (described != null) {
				return described.replace("; ", "\n");
			}
		}
		return "No device service is running: the GPU cannot be shown.";
	}

	private Composite section(Composite parent, String heading, String explanation) {
		Composite section = new Composite(parent, SWT.NONE);
		section.setLayout(new GridLayout(1, false));
		section.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		Label label = new Label(section, SWT.NONE);
		label.setText(heading);
		label.setFont(JFaceResources.getBannerFont());
		wrapping(section, explanation);
		return section;
	}

	private static Composite row(Composite parent, int columns) {
		Composite row = new Composite(parent, SWT.NONE);
		GridLayout layout = new GridLayout(columns, false);
		layout.marginWidth = 0;
		row.setLayout(layout);
		row.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		return row;
	}

	private static Label wrapping(Composite parent, String text) {
		Label label = new Label(parent, SWT.WRAP);
		label.setText(text);
		GridData data = new GridData(SWT.FILL, SWT.TOP, true, false);
		data.widthHint = 560;
		label.setLayoutData(data);
		return label;
	}

	private static Button button(Composite parent, String text, Runnable action) {
		Button button = new Button(parent, SWT.PUSH);
		button.setText(text);
		button.addListener(SWT.Selection, e -> action.run());
		return button;
	}

	private void showView(String id) {
		execute(ShowViewHandler.COMMAND, Map.of(ShowViewHandler.VIEW_ID, id));
	}

	private void execute(String command, Map<String, Object> parameters) {
		handlers.executeHandler(commands.createCommand(command, parameters));
	}

	private void browseModelsFolder() {
		DirectoryDialog dialog = new DirectoryDialog(modelsFolder.getShell());
		dialog.setMessage("The folder that holds llm/ and checkpoints/");
		dialog.setFilterPath(modelsFolder.getText().strip());
		String chosen = dialog.open();
		if (chosen != null) {
			modelsFolder.setText(chosen);
			useModelsFolder();
		}
	}

	/**
	 * Saves the folder typed as the preference {@value ModelsFolder#PREFERENCE} (the workspace's own {@code models}
	 * folder is saved as no preference) and makes its {@code llm/} and {@code checkpoints/}; what fails is said
	 * beside it, naming the folder.
	 */
	void useModelsFolder() {
		Path chosen;
		try {
			chosen = Path.of(modelsFolder.getText().strip()).toAbsolutePath().normalize();
		} catch (InvalidPathException e) {
			problem("Not a folder: " + e.getMessage());
			return;
		}
		if (Files.exists(chosen) && !Files.isDirectory(chosen)) {
			problem(chosen + " is a file, not a folder.");
			return;
		}
		boolean byDefault = chosen.equals(ModelsFolder.root(env.paths().workspaceRoot(), null).toAbsolutePath().normalize());
		preferences.put(ModelsFolder.PREFERENCE, byDefault ? null : chosen.toString());
		try {
			Files.createDirectories(chosen.resolve("llm"));
			Files.createDirectories(chosen.resolve("checkpoints"));
			preferences.save();
		} catch (IOException e) {
			problem("Cannot use " + chosen + ": " + e.getMessage());
			return;
		}
		modelsFolder.setText(chosen.toString());
		problem("");
		showModelsFolder();
	}

	/** Lists the models folder off the UI thread (it may be on a slow mount), then says what it holds. */
	private void showModelsFolder() {
		Path root = ModelsFolder.root(env.paths().workspaceRoot(), preferences);
		CompletableFuture.runAsync(() -> {
			String summary;
			try {
				summary = ModelsFolder.ggufFiles(root.resolve("llm")).size() + " GGUF model(s) in " + root.resolve("llm") + ", "
						+ ModelsFolder.stableDiffusionModels(root.resolve("checkpoints")).size() + " Stable Diffusion model(s) in " + root.resolve("checkpoints")
						+ ".";
			} catch (IOException e) {
				summary = "";
				String why = "Cannot list " + root + ": " + e.getMessage();
				ui.asyncExec(() -> problem(why));
			}
			String shown = summary;
			ui.asyncExec(() -> {
				if (!modelsSummary.isDisposed()) {
					text(modelsSummary, shown);
				}
			});
		});
	}

	/** Says why the folder cannot be used, in the theme's problem colour; empty clears it. */
	private void problem(String text) {
		if (!modelsProblem.isDisposed()) {
			text(modelsProblem, text);
		}
	}

	private void text(Label label, String text) {
		label.setText(text);
		Forms.reflow(label);
	}
}
