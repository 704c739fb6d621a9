package dev.atelier.outputs.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.MessageBox;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.outputs.ui.ImageWindow;
import dev.atelier.outputs.ui.OutputParameters;
import dev.atelier.outputs.ui.OutputsUi;
import dev.atelier.outputs.ui.ThumbnailGrid;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * Every output of the workspace ({@code <workspace>/outputs/<kind>/*.png}: generated and rendered images), newest
 * first, as thumbnails; the selected image's parameters, as the installed {@link OutputParameters} readers find them;
 * Reuse parameters (the {@link OutputsUi#REUSE} command, whose handler the capability that made the image
 * contributes), Open, Delete. The list follows the folder when a job that wrote there finishes, and on Refresh.
 * Listing the folder and reading parameters run off the UI thread.
 */
public final class GalleryPart {

	static final int THUMBNAIL_SIZE = 112;
	/** The newest this many are shown; older ones stay on disk. */
	static final int SHOWN = 400;
	static final String NO_PARAMETERS = "no parameters";

	private final JobService jobs;
	private final Path folder;
	private final UISynchronize ui;
	private volatile List<OutputParameters> readers = List.of();
	private ECommandService commands;
	private EHandlerService handlers;

	Label folderLabel;
	ThumbnailGrid grid;
	Label parametersTitle;
	Table parameters;
	Button reuse;
	Button open;
	Button openExternally;
	Button delete;
	Label status;
	/** Asks before a file is deleted; tests answer for the user. */
	Predicate<Path> confirmDelete = this::askDelete;

	private Composite root;
	/** The file whose parameters are shown (or being read), null for none. */
	private Path shown;
	private final AtomicBoolean refreshPending = new AtomicBoolean();
	private final JobService.JobListener jobListener = job -> {
		if (job.state() == JobState.SUCCEEDED && wroteHere(job) && refreshPending.compareAndSet(false, true)) {
			ui(() -> {
				refreshPending.set(false);
				refresh();
			});
		}
	};

	@Inject
	public GalleryPart(@Service JobService jobs, @Service Outputs outputs, UISynchronize ui) {
		this(jobs, outputs.root(), ui);
	}

	GalleryPart(JobService jobs, Path outputs, UISynchronize ui) {
		this.jobs = jobs;
		this.folder = outputs;
		this.ui = ui;
	}

	/** The readers of parameters that the installed capabilities contribute; called again as they come and go. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void readers(@Service List<OutputParameters> services) {
		readers = services == null ? List.of() : List.copyOf(services);
	}

	/** Where Reuse parameters goes: the command and the handler the capability contributes; without them it is off. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void commands(ECommandService commandService, EHandlerService handlerService) {
		commands = commandService;
		handlers = handlerService;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		parent.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(parent, SWT.NONE);
		bar.setLayout(new GridLayout(2, false));
		bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		folderLabel = new Label(bar, SWT.NONE);
		folderLabel.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		folderLabel.setText(folder.toString());
		folderLabel.setToolTipText(folder.toString());
		button(bar, "Refresh", this::refresh);

		SashForm sash = new SashForm(parent, SWT.VERTICAL);
		sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		grid = new ThumbnailGrid(sash, THUMBNAIL_SIZE);
		grid.onSelect(this::show);
		grid.onOpen(file -> openLarge());
		Composite details = new Composite(sash, SWT.NONE);
		GridLayout detailsLayout = new GridLayout(1, false);
		detailsLayout.marginWidth = 0;
		details.setLayout(detailsLayout);
		parametersTitle = new Label(details, SWT.NONE);
		parametersTitle.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		parameters = new Table(details, SWT.BORDER | SWT.FULL_SELECTION);
		parameters.setHeaderVisible(true);
		parameters.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		TableColumn name = new TableColumn(parameters, SWT.LEFT);
		name.setText("Parameter");
		name.setWidth(110);
		TableColumn value = new TableColumn(parameters, SWT.LEFT);
		value.setText("Value");
		value.setWidth(360);
		sash.setWeights(50, 50);

		Composite actions = new Composite(parent, SWT.NONE);
		RowLayout actionsLayout = new RowLayout(SWT.HORIZONTAL);
		actionsLayout.wrap = true;
		actionsLayout.marginLeft = 0;
		actions.setLayout(actionsLayout);
		actions.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		reuse = button(actions, "Reuse parameters", this::reuseSelected);
		reuse.setToolTipText("Put this image's prompt and settings into the view that made it");
		open = button(actions, "Open", this::openLarge);
		openExternally = button(actions, "Open externally", this::openExternally);
		delete = button(actions, "Delete", this::deleteSelected);
		status = new Label(parent, SWT.WRAP);
		GridData statusData = new GridData(SWT.FILL, SWT.CENTER, true, false);
		statusData.widthHint = 200;
		status.setLayoutData(statusData);

		jobs.addListener(jobListener);
		show(null);
		refresh();
	}

	private static Button button(Composite parent, String text, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/**
	 * Whether a finished job may have added images here: one that noted a file under this folder, or a diffusion job
	 * (whose handle notes none).
	 */
	private boolean wroteHere(JobHandle<?> job) {
		if (job.name().startsWith("diffusion")) {
			return true;
		}
		for (String output : job.outputs()) {
			try {
				if (Path.of(output).toAbsolutePath().startsWith(folder.toAbsolutePath())) {
					return true;
				}
			} catch (InvalidPathException e) {
				// not a path
			}
		}
		return false;
	}

	/** Runs on the UI thread unless the view is gone. */
	private void ui(Runnable action) {
		ui.asyncExec(() -> {
			if (!root.isDisposed()) {
				action.run();
			}
		});
	}

	/**
	 * Lists the folder again off the UI thread, then shows it, keeping the selection where its file is still there.
	 * The future completes on the UI thread once the list shows.
	 */
	CompletableFuture<List<Path>> refresh() {
		CompletableFuture<List<Path>> shownList = new CompletableFuture<>();
		CompletableFuture.supplyAsync(() -> {
			try {
				return GalleryListing.newestFirst(folder);
			} catch (IOException e) {
				throw new CompletionException(e);
			}
		}).whenComplete((files, failure) -> ui(() -> {
			if (failure != null) {
				Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
				setStatus("Cannot list " + folder + ": " + cause.getMessage());
				shownList.completeExceptionally(cause);
				return;
			}
			list(files);
			shownList.complete(files.stream().map(GalleryListing.Entry::file).toList());
		}));
		return shownList;
	}

	private void list(List<GalleryListing.Entry> entries) {
		Path selected = grid.selection();
		List<GalleryListing.Entry> kept = entries.size() > SHOWN ? entries.subList(0, SHOWN) : entries;
		grid.setFiles(kept.stream().map(GalleryListing.Entry::file).toList(), kept.stream().map(GalleryListing.Entry::modifiedMillis).toList());
		if (selected != null && grid.files().contains(selected)) {
			show(selected);
		}
		setStatus(entries.isEmpty() ? "No images yet: generate some in the Diffusion view or render a scene."
				: entries.size() > SHOWN ? "The newest " + SHOWN + " of " + entries.size() + " images." : entries.size() + " image(s).");
	}

	/**
	 * Shows a file's parameters (or none for null), read off the UI thread; the future completes on the UI thread once
	 * they show.
	 */
	CompletableFuture<Void> show(Path file) {
		shown = file;
		parameters.removeAll();
		boolean any = file != null;
		open.setEnabled(any);
		openExternally.setEnabled(any);
		delete.setEnabled(any);
		reuse.setEnabled(false);
		if (file == null) {
			parametersTitle.setText("Select an image to see its parameters.");
			return CompletableFuture.completedFuture(null);
		}
		parametersTitle.setText(file.getFileName() + ": …");
		List<OutputParameters> asked = readers;
		CompletableFuture<Void> done = new CompletableFuture<>();
		CompletableFuture.supplyAsync(() -> {
			try {
				for (OutputParameters reader : asked) {
					Optional<List<OutputParameters.Parameter>> found = reader.read(file);
					if (found.isPresent()) {
						return found;
					}
				}
				return Optional.<List<OutputParameters.Parameter>>empty();
			} catch (IOException e) {
				throw new CompletionException(e);
			}
		}).whenComplete((found, failure) -> ui(() -> {
			if (file.equals(shown)) {
				showParameters(file, found, failure);
			}
			done.complete(null);
		}));
		return done;
	}

	private void showParameters(Path file, Optional<List<OutputParameters.Parameter>> found, Throwable failure) {
		if (failure != null) {
			Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
			parametersTitle.setText(file.getFileName() + ": " + NO_PARAMETERS);
			setStatus(cause.getMessage());
			return;
		}
		parametersTitle.setText(file.getFileName() + (found.isEmpty() ? ": " + NO_PARAMETERS : ""));
		found.ifPresent(rows -> {
			for (OutputParameters.Parameter row : rows) {
				new TableItem(parameters, SWT.NONE).setText(new String[] { row.name(), row.value() });
			}
		});
		reuse.setEnabled(found.isPresent() && reuseCommand(file).map(handlers::canExecute).orElse(false));
	}

	/** Reuse parameters for a file, when the workbench's command services are here. */
	private Optional<ParameterizedCommand> reuseCommand(Path file) {
		if (commands == null || handlers == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(commands.createCommand(OutputsUi.REUSE, Map.of(OutputsUi.REUSE_FILE, file.toAbsolutePath().toString())));
	}

	/**
	 * Executes Reuse parameters for the selected image and shows what its handler said; returns the handler's result,
	 * null when nothing handled it.
	 */
	Object reuseSelected() {
		Path file = grid.selection();
		if (file == null) {
			return null;
		}
		Optional<ParameterizedCommand> command = reuseCommand(file).filter(handlers::canExecute);
		if (command.isEmpty()) {
			setStatus("Nothing installed here reuses the parameters of " + file.getFileName() + ".");
			return null;
		}
		Object result = handlers.executeHandler(command.get());
		if (result instanceof String said) {
			setStatus(said);
		} else if (result instanceof CompletionStage<?> pending) {
			setStatus("Reading the parameters of " + file.getFileName() + "…");
			pending.thenAccept(said -> ui(() -> setStatus(String.valueOf(said))));
		}
		return result;
	}

	private void openLarge() {
		Path file = grid.selection();
		if (file == null) {
			return;
		}
		try {
			ImageWindow.open(root.getShell(), file);
		} catch (IOException e) {
			setStatus(e.getMessage());
		}
	}

	private void openExternally() {
		Path file = grid.selection();
		if (file != null && !Program.launch(file.toString())) {
			setStatus("No program here opens " + file.getFileName() + ".");
		}
	}

	/**
	 * Deletes the selected file once confirmed, in a job; returns whether it was confirmed. The status line then says
	 * whether it was deleted, and the list refreshes.
	 */
	boolean deleteSelected() {
		Path file = grid.selection();
		if (file == null || !confirmDelete.test(file)) {
			return false;
		}
		jobs.submit("Delete " + file.getFileName(), context -> {
			Files.delete(file);
			return null;
		}).result().whenComplete((done, error) -> ui(() -> {
			if (error != null) {
				Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
				setStatus("Cannot delete " + file + ": " + cause.getMessage());
			} else {
				refresh().thenRun(() -> setStatus("Deleted " + file.getFileName() + "."));
			}
		}));
		return true;
	}

	private boolean askDelete(Path file) {
		MessageBox box = new MessageBox(root.getShell(), SWT.ICON_QUESTION | SWT.YES | SWT.NO);
		box.setText("Delete image");
		box.setMessage("Delete " + file.getFileName() + " from " + file.getParent() + "? This cannot be undone.");
		return box.open() == SWT.YES;
	}

	private void setStatus(String text) {
		status.setText(text == null ? "" : text);
		status.getParent().layout(new org.eclipse.swt.widgets.Control[] { status });
	}

	@PreDestroy
	public void close() {
		jobs.removeListener(jobListener);
	}
}
