package dev.atelier.diffusion.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Preferences;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.outputs.ui.ImageWindow;
import dev.atelier.outputs.ui.Pixels;
import dev.atelier.outputs.ui.SwtImages;
import dev.atelier.outputs.ui.ThumbnailGrid;
import dev.atelier.ui.Forms;
import dev.atelier.ui.ModelChoices;
import dev.atelier.ui.OpensFiles;
import dev.atelier.ui.ThemeColours;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * Generates images through the {@link DiffusionService}: the form makes a {@link GenerationRequest} (its
 * complaints show under the Generate button, which stays disabled while the form is invalid); each Generate queues
 * a job; the running job's previews show as it denoises, at most every {@value #PREVIEW_INTERVAL_MS} ms, then its
 * finished images, large; the queue lists the service's jobs; every image this view's jobs made in the session stays in
 * the results strip, newest first (double-click opens the image viewer); a failed job's message shows in red.
 */
public final class DiffusionPart implements OpensFiles {

	/** Where the last model is remembered, in the workspace preferences shared with the CLI. */
	static final String MODEL_FOLDER_KEY = "diffusion.ui.modelFolder";
	static final int PREVIEW_INTERVAL_MS = 100;
	static final int THUMBNAIL_SIZE = 128;
	private static final System.Logger LOG = System.getLogger(DiffusionPart.class.getName());

	private final DiffusionService diffusion;
	private final JobService jobs;
	private final UISynchronize sync;
	private volatile DeviceService devices;
	private volatile Preferences preferences;
	private volatile AtelierEnvironment environment;

	DiffusionForm form;
	Button generate;
	Button cancel;
	/** Why the form cannot be generated from, empty when it can. */
	Label problem;
	ProgressBar progress;
	Label stepCount;
	Canvas preview;
	ScrolledComposite formScroll;
	/** The newest preview or finished images as shown, scaled up; null before the first step. */
	Image previewImage;
	/** Whether {@link #previewImage} shows a job's finished images rather than a step. */
	boolean previewFinal;
	Table queue;
	ThumbnailGrid results;
	/** What the last job did: images written, cancelled, or (in red) why it failed. */
	Label status;
	/** The model's list: the models folder's checkpoint files and pipeline folders. */
	ModelChoices models;
	/** The lists of the models folder's LoRAs, ControlNets and VAEs. */
	ModelChoices loraFiles;
	ModelChoices controlNets;
	ModelChoices vaes;

	private Composite root;
	private Display display;
	/** Jobs submitted from this view and not finished, oldest first. */
	private final List<JobHandle<List<Path>>> mine = new ArrayList<>();
	/** Every image this view's jobs wrote in this session, newest first. */
	private final List<Path> session = new ArrayList<>();
	private final Throttle previewThrottle = new Throttle(PREVIEW_INTERVAL_MS);
	private final AtomicReference<Preview> pendingPreview = new AtomicReference<>();
	private final List<String> warnings = new CopyOnWriteArrayList<>();
	private final AtomicBoolean queueRefreshPending = new AtomicBoolean();
	/** Counts the form's checks, on the UI thread: a file check made off it answers only the latest. */
	private int checks;
	private final JobService.JobListener jobListener = job -> {
		if (queueRefreshPending.compareAndSet(false, true)) {
			ui(() -> {
				queueRefreshPending.set(false);
				refreshQueue();
			});
		}
	};

	/** A step's previews, or after the last step the job's finished images, waiting for the UI thread. */
	private record Preview(int step, int steps, List<RgbImage> images, boolean finished) {
	}

	/** The workbench's CSS styling, which colours problem text as the theme says; absent outside the workbench. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	IStylingEngine styling;

	@Inject
	public DiffusionPart(@Service DiffusionService diffusion, @Service JobService jobs, UISynchronize sync) {
		this.diffusion = diffusion;
		this.jobs = jobs;
		this.sync = sync;
	}

	/**
	 * The devices to offer; without the device service only the CPU is offered. Called again, possibly off the UI
	 * thread, when the service comes or goes.
	 */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void devices(@Service DeviceService service) {
		devices = service;
		if (root != null) {
			ui(() -> {
				if (!form.device.isDisposed()) {
					offerDevices();
				}
			});
		}
	}

	/** Keeps the last model; without it the model is forgotten between sessions. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void preferences(@Service Preferences service) {
		preferences = service;
	}

	/** The workspace, whose models folder (unless the preference names another) the model list offers. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void environment(@Service AtelierEnvironment service) {
		environment = service;
	}

	/** A folder of the models folder ({@code checkpoints/}, {@code loras/}, …) as the preference says now; null without a workspace. */
	private Path modelsFolder(BiFunction<Path, Preferences, Path> kind) {
		AtelierEnvironment env = environment;
		return env == null ? null : kind.apply(env.paths().workspaceRoot(), preferences);
	}

	/** The Gallery's "Reuse parameters": the form takes the request's values and the choices the image records. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void reuse(@UIEventTopic(DiffusionUi.REUSE_TOPIC) DiffusionUi.Reused reused) {
		if (reused != null && form != null && !form.prompt.isDisposed()) {
			GenerationRequest request = reused.request();
			form.show(request, reused.options());
			status(false, "Parameters reused: seed " + request.seed() + ", " + request.width() + "x" + request.height()
					+ (reused.options().controlNet() == null ? "" : "; choose the ControlNet's control image") + ".");
		}
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		display = parent.getDisplay();
		parent.setLayout(new GridLayout(1, false));
		SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
		sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));

		Composite fields = Forms.scrolling(sash);
		formScroll = (ScrolledComposite) fields.getParent();
		form = new DiffusionForm(fields, preferences == null ? "" : preferences.get(MODEL_FOLDER_KEY, ""), this::validate, this::remember);
		models = new ModelChoices(form.model, () -> modelsFolder(ModelsFolder::checkpoints), ModelsFolder::stableDiffusionModels,
				"Stable Diffusion models (checkpoint files, pipeline folders)");
		loraFiles = new ModelChoices(form.loraChoice, () -> modelsFolder(ModelsFolder::loras), f -> ModelsFolder.files(f, ".safetensors"), "LoRA files");
		controlNets = new ModelChoices(form.controlNet, () -> modelsFolder(ModelsFolder::controlNets),
				f -> ModelsFolder.files(f, ".safetensors", ".pth", ".ckpt"), "ControlNet files").emptyMeansNone();
		vaes = new ModelChoices(form.vae, () -> modelsFolder(ModelsFolder::vaes), f -> ModelsFolder.files(f, ".safetensors", ".ckpt", ".pt"), "VAE files")
				.emptyMeansNone();
		offerDevices();

		Composite output = new Composite(sash, SWT.NONE);
		output.setLayout(new GridLayout(1, false));
		createOutput(output);
		sash.setWeights(45, 55);
		// listing edits the combos, which validates the form: its problem line must exist by then
		refreshLists();

		jobs.addListener(jobListener);
		refreshQueue();
		validate();
	}

	/** Generate and Cancel with the progress, what is wrong or what happened, then preview, results and queue. */
	private void createOutput(Composite output) {
		Composite bar = new Composite(output, SWT.NONE);
		GridLayout barLayout = new GridLayout(4, false);
		barLayout.marginWidth = 0;
		bar.setLayout(barLayout);
		bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		generate = DiffusionForm.button(bar, "Generate", this::generate);
		cancel = DiffusionForm.button(bar, "Cancel", this::cancelCurrent);
		cancel.setToolTipText("Cancel the running (or else the oldest queued) job of this view");
		cancel.setEnabled(false);
		progress = new ProgressBar(bar, SWT.HORIZONTAL | SWT.SMOOTH);
		progress.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		stepCount = new Label(bar, SWT.NONE);
		stepCount.setLayoutData(new GridData(90, SWT.DEFAULT));
		problem = new Label(output, SWT.WRAP);
		ThemeColours.problem(styling, problem, true);
		problem.setLayoutData(wrapping());
		((GridData) problem.getLayoutData()).exclude = true;
		problem.setVisible(false);
		status = new Label(output, SWT.WRAP);
		status.setLayoutData(wrapping());

		SashForm panes = new SashForm(output, SWT.VERTICAL);
		panes.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		preview = new Canvas(panes, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		preview.addListener(SWT.Paint, e -> {
			if (previewImage != null) {
				Rectangle area = preview.getClientArea();
				Rectangle b = previewImage.getBounds();
				e.gc.drawImage(previewImage, (area.width - b.width) / 2, (area.height - b.height) / 2);
			}
		});
		preview.addListener(SWT.Dispose, e -> disposePreview());
		results = new ThumbnailGrid(panes, THUMBNAIL_SIZE);
		results.onOpen(this::openImage);
		queue = new Table(panes, SWT.BORDER | SWT.FULL_SELECTION);
		queue.setHeaderVisible(true);
		queue.setToolTipText("Diffusion jobs queued or running");
		for (String[] column : new String[][] { { "Queued or running", "220" }, { "State", "70" }, { "Task", "220" }, { "Progress", "70" } }) {
			TableColumn c = new TableColumn(queue, SWT.LEFT);
			c.setText(column[0]);
			c.setWidth(Integer.parseInt(column[1]));
		}
		panes.setWeights(55, 27, 18);
	}

	/** The devices the device service knows, and the CPU, which the diffusion service runs on without a CPU device bundle. */
	private void offerDevices() {
		List<String> ids = new ArrayList<>(devices == null ? List.of() : devices.devices().stream().map(Device::id).toList());
		if (!ids.contains("cpu")) {
			ids.add("cpu");
		}
		form.offerDevices(ids);
	}

	private static GridData wrapping() {
		GridData data = new GridData(SWT.FILL, SWT.CENTER, true, false);
		data.widthHint = 300;
		return data;
	}

	/**
	 * Shows what is wrong with the form, and lets Generate be pressed only when nothing is; returns whether the form
	 * makes a request. The files it names are looked at off the UI thread (a slow or hung mount must not stop it): one
	 * that is missing is said when the answer comes, unless the form was checked again meanwhile.
	 */
	boolean validate() {
		int check = ++checks;
		GenerationRequest request = null;
		String wrong = "";
		try {
			request = form.request();
		} catch (IllegalArgumentException e) {
			wrong = e.getMessage();
		}
		problem(wrong);
		generate.setEnabled(request != null);
		if (request != null) {
			GenerationRequest asked = request;
			GenerationOptions options = form.options();
			CompletableFuture.supplyAsync(() -> missingFile(asked, options)).thenAccept(missing -> missing.ifPresent(m -> ui(() -> {
				if (check == checks) {
					problem(m);
					generate.setEnabled(false);
				}
			})));
		}
		return request != null;
	}

	/** Why a file the request names (a LoRA, the control image, the init image, the mask) is missing, or empty; looks at the file system. */
	private static Optional<String> missingFile(GenerationRequest request, GenerationOptions options) {
		return options.missingFile(GenerationOptions.Names.VIEW).or(() -> Stream.of(request.initImage(), request.mask())
				.filter(image -> image != null && !Files.isRegularFile(image)).findFirst().map(image -> "No such file: " + image));
	}

	private void problem(String text) {
		if (!problem.getText().equals(text)) {
			problem.setText(text);
			((GridData) problem.getLayoutData()).exclude = text.isEmpty();
			problem.setVisible(!text.isEmpty());
			problem.getParent().layout(true);
		}
	}

	private void status(boolean failure, String text) {
		ThemeColours.problem(styling, status, failure);
		status.setText(text);
		status.getParent().layout(true);
	}

	/** Lists the models folder's models, LoRAs, ControlNets and VAEs again. */
	private void refreshLists() {
		for (ModelChoices list : List.of(models, loraFiles, controlNets, vaes)) {
			list.refresh();
		}
	}

	/** Keeps the model in the workspace preferences; a failed save is said, not thrown. */
	private void remember(String folder) {
		if (preferences == null || folder.equals(preferences.get(MODEL_FOLDER_KEY, ""))) {
			return;
		}
		preferences.put(MODEL_FOLDER_KEY, folder);
		try {
			preferences.save();
		} catch (IOException e) {
			status(true, "Cannot save the preferences: " + e.getMessage());
		}
	}

	/**
	 * Queues a job for the form's request; what stops it is said under the button. The files the request names are
	 * looked at, and the service's submit opens the model to plan its memory, off the UI thread. The future completes,
	 * on the UI thread, with the job once this view follows it, or with null.
	 */
	CompletableFuture<JobHandle<List<Path>>> generate() {
		CompletableFuture<JobHandle<List<Path>>> queued = new CompletableFuture<>();
		if (!validate()) {
			queued.complete(null);
			return queued;
		}
		// the seed is drawn here rather than by the queue so that the view can say it and offer it again
		GenerationRequest request = form.request().withDrawnSeed();
		GenerationOptions options = form.options();
		String folder = form.model.getText().strip();
		if (folder.isEmpty()) {
			problem("Choose a model: a checkpoint file (.safetensors, .ckpt) or a pipeline folder (diffusers or ONNX, with model_index.json).");
			queued.complete(null);
			return queued;
		}
		Path model;
		try {
			model = Path.of(folder);
		} catch (InvalidPathException e) {
			problem("Model: " + e.getMessage());
			queued.complete(null);
			return queued;
		}
		String device = form.device.getText();
		StepListener listener = new StepListener();
		CompletableFuture.supplyAsync(() -> submit(model, request, options, device, listener)).whenComplete((submitted, failure) -> ui(() -> {
			// submit says what it refuses; a failure here is an error it could not catch
			String why = failure != null ? String.valueOf(failure.getCause() == null ? failure : failure.getCause()) : submitted.problem();
			if (why != null) {
				problem(why);
				queued.complete(null);
			} else {
				follow(submitted.job(), request, folder, device, listener);
				queued.complete(submitted.job());
			}
		}));
		return queued;
	}

	/** A job queued, or why none was. */
	private record Submitted(JobHandle<List<Path>> job, String problem) {
	}

	/** Off the UI thread: the files the request names, then the service's submit. */
	private Submitted submit(Path model, GenerationRequest request, GenerationOptions options, String device, StepListener listener) {
		// a folder (ONNX or diffusers) or a single-file checkpoint: the service tells them apart when it loads
		if (!Files.isDirectory(model) && !Files.isRegularFile(model)) {
			return new Submitted(null, "No such folder or checkpoint file: " + model);
		}
		Optional<String> missing = missingFile(request, options);
		if (missing.isPresent()) {
			return new Submitted(null, missing.get());
		}
		try {
			return new Submitted(diffusion.submit(model, request, device, diffusion.defaultOutputFolder(), listener), null);
		} catch (RuntimeException e) {
			return new Submitted(null, e.getMessage() == null ? e.toString() : e.getMessage());
		}
	}

	/** On the UI thread: the job queued is this view's to cancel, its images to show. */
	private void follow(JobHandle<List<Path>> job, GenerationRequest request, String folder, String device, StepListener listener) {
		remember(folder);
		mine.add(job);
		form.usedSeed(request.seed());
		cancel.setEnabled(true);
		status(false, "Queued " + request.batch() + " image(s), seed " + request.seed() + ", on " + device + ".");
		// async: a job done already must not have its images read here, on the UI thread, which only draws
		job.result().whenCompleteAsync((files, failure) -> {
			if (files != null && !files.isEmpty()) {
				offer(new Preview(listener.step, listener.steps, readAll(files), true));
			}
			ui(() -> finished(job, files, failure));
		});
		refreshQueue();
	}

	/** Hears a job's steps on its thread and hands the newest previews to the UI thread, at most one per interval. */
	private final class StepListener implements GenerationListener {
		/** The last step heard, which the finished images are shown under. */
		volatile int step;
		volatile int steps;

		@Override
		public void step(int at, int of, List<RgbImage> previews) {
			step = at;
			steps = of;
			offer(new Preview(at, of, List.copyOf(previews), false));
		}

		@Override
		public void warning(String message) {
			warnings.add(message);
			ui(() -> status(false, message));
		}
	}

	/** Hands the newest preview to the UI thread, at most one per interval. */
	private void offer(Preview p) {
		if (pendingPreview.getAndSet(p) == null) {
			long wait = previewThrottle.reserve(System.currentTimeMillis());
			ui(() -> display.timerExec((int) wait, this::showPreview));
		}
	}

	/** The images written; one that cannot be read back is left out (the strip then says why when it is opened). */
	private static List<RgbImage> readAll(List<Path> files) {
		List<RgbImage> images = new ArrayList<>();
		for (Path f : files) {
			try {
				images.add(SwtImages.read(f));
			} catch (IOException e) {
				LOG.log(System.Logger.Level.WARNING, e.getMessage());
			}
		}
		return images;
	}

	/** Runs on the UI thread, through the workbench's UISynchronize, unless the view is gone meanwhile. */
	private void ui(Runnable action) {
		sync.asyncExec(() -> {
			if (root != null && !root.isDisposed()) {
				action.run();
			}
		});
	}

	/** Shows the newest preview waiting, scaled up to fill the preview area. */
	void showPreview() {
		Preview p = pendingPreview.getAndSet(null);
		if (p == null || preview.isDisposed()) {
			return;
		}
		if (p.steps() > 0) {
			progress.setMaximum(p.steps());
			progress.setSelection(p.step());
			stepCount.setText("Step " + p.step() + "/" + p.steps());
		}
		if (p.images().isEmpty()) {
			return;
		}
		int w = p.images().get(0).width();
		int h = p.images().get(0).height();
		List<int[]> pixels = p.images().stream().filter(i -> i.width() == w && i.height() == h).map(SwtImages::argb).toList();
		Rectangle area = preview.getClientArea();
		int boxWidth = Math.max(64, area.width - 4);
		int boxHeight = Math.max(64, area.height - 4);
		int columns = Pixels.columns(pixels.size(), w, h, boxWidth, boxHeight);
		int mosaicWidth = columns * w;
		int mosaicHeight = pixels.size() / columns * h;
		int[] fit = Pixels.fit(mosaicWidth, mosaicHeight, boxWidth, boxHeight, true);
		ImageData data = SwtImages.imageData(Pixels.resize(Pixels.mosaic(pixels, w, h, columns), mosaicWidth, mosaicHeight, fit[0], fit[1]), fit[0],
				fit[1]);
		disposePreview();
		previewImage = new Image(display, data);
		previewFinal = p.finished();
		preview.redraw();
	}

	private void disposePreview() {
		if (previewImage != null) {
			previewImage.dispose();
			previewImage = null;
		}
	}

	private void finished(JobHandle<List<Path>> job, List<Path> files, Throwable failure) {
		mine.remove(job);
		cancel.setEnabled(!mine.isEmpty());
		Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
		if (cause instanceof JobCancelledException) {
			status(false, "Cancelled.");
		} else if (cause != null) {
			status(true, "Generation failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
		} else {
			List<Path> written = files == null ? List.of() : files;
			session.addAll(0, written);
			results.setFiles(session);
			Path where = written.isEmpty() ? diffusion.defaultOutputFolder() : written.get(0).getParent();
			// a warning (a prompt cut at 77 tokens) stays in sight after the job
			String warned = warnings.isEmpty() ? "" : " Warning: " + String.join("; ", warnings);
			warnings.clear();
			status(false, String.format(Locale.ROOT, "Wrote %d image(s) to %s.", written.size(), where) + warned);
		}
		refreshQueue();
	}

	/** Whether the form makes a valid request: Generate (the button, the command and Ctrl+Enter) is enabled. */
	boolean canGenerate() {
		return generate != null && !generate.isDisposed() && generate.getEnabled();
	}

	/** Whether a job of this view is queued or running: Cancel (the button, Stop and Esc) is enabled. */
	boolean canCancel() {
		return !mine.isEmpty();
	}

	/** Cancels this view's running job, or else its oldest queued one. */
	void cancelCurrent() {
		JobHandle<List<Path>> current = mine.stream().filter(j -> j.state() == JobState.RUNNING).findFirst()
				.orElse(mine.isEmpty() ? null : mine.get(0));
		if (current != null) {
			current.cancel();
			status(false, "Cancelling…");
		}
	}

	private void refreshQueue() {
		if (queue == null || queue.isDisposed()) {
			return;
		}
		List<JobHandle<List<Path>>> jobsNow = diffusion.queue().stream().filter(j -> !j.state().isDone()).toList();
		queue.setItemCount(jobsNow.size());
		for (int i = 0; i < jobsNow.size(); i++) {
			JobHandle<List<Path>> j = jobsNow.get(i);
			double done = j.progress();
			TableItem item = queue.getItem(i);
			item.setText(new String[] { j.name(), j.state().name().toLowerCase(Locale.ROOT), j.task(),
					Double.isNaN(done) ? "" : Math.round(done * 100) + " %" });
		}
	}

	/** The prompt takes the keyboard; the lists are listed again, as the models folder may have changed meanwhile. */
	@Focus
	void focus() {
		refreshLists();
		form.prompt.setFocus();
	}

	/**
	 * File ▸ Open: a single-file checkpoint becomes the model that Generate uses; an image opens in the image viewer,
	 * with its parameters where the PNG has them.
	 */
	@Override
	public void open(Path file) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (name.endsWith(".safetensors") || name.endsWith(".ckpt")) {
			form.model.setText(file.toString());
			status(false, "Generate uses " + file + ".");
		} else {
			openImage(file);
		}
	}

	private void openImage(Path file) {
		try {
			ImageWindow.open(root.getShell(), file);
		} catch (IOException e) {
			status(true, e.getMessage());
		}
	}

	@PreDestroy
	public void close() {
		jobs.removeListener(jobListener);
	}
}
