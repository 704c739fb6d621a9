package dev.atelier.diffusion.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.MessageBox;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The PNGs in the diffusion output folder, newest first, as thumbnails; the selected image's generation parameters;
 * Reuse parameters (sent to the Diffusion view over the event broker, see {@link DiffusionUi#REUSE_TOPIC}), Open,
 * Delete. The list follows the folder when a diffusion job finishes, and on Refresh.
 */
public final class GalleryPart {

	static final int THUMBNAIL_SIZE = 112;
	/** The newest this many are shown; older ones stay on disk. */
	static final int SHOWN = 400;
	static final String NO_PARAMETERS = "no parameters";
	/** What "Reuse parameters" fills in where the image does not say: the usual txt2img settings. */
	static final GenerationRequest DEFAULTS = GenerationRequest.of("", 0);

	private final DiffusionService diffusion;
	private final JobService jobs;
	IEventBroker broker;
	private EPartService parts;

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
	private Display display;
	private Path folder;
	/** The selected image's parameters, if it has any. */
	private Infotext selectedInfo;
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
	public GalleryPart(@Service DiffusionService diffusion, @Service JobService jobs) {
		this.diffusion = diffusion;
		this.jobs = jobs;
	}

	/** Where "Reuse parameters" sends the request; without it the Diffusion view cannot be reached. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void broker(IEventBroker eventBroker) {
		broker = eventBroker;
	}

	/** Brings the Diffusion view forward (creating it if needed) before parameters are sent to it. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void parts(EPartService partService) {
		parts = partService;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		display = parent.getDisplay();
		// the workspace's outputs: generated images and rendered ones side by side
		folder = diffusion.defaultOutputFolder().getParent();
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
		reuse.setToolTipText("Put this image's prompt and settings into the Diffusion view");
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

	/** Whether a finished job may have added images here: a diffusion job, or any job that noted a file under this folder. */
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

	private void ui(Runnable action) {
		if (display.isDisposed()) {
			return;
		}
		try {
			display.asyncExec(() -> {
				if (!root.isDisposed()) {
					action.run();
				}
			});
		} catch (SWTException gone) {
			// the display was disposed meanwhile
		}
	}

	/** Lists the folder again, keeping the selection where its file is still there. */
	void refresh() {
		List<Path> files;
		try {
			files = GalleryListing.newestFirst(folder);
		} catch (IOException e) {
			setStatus("Cannot list " + folder + ": " + e.getMessage());
			return;
		}
		Path selected = grid.selection();
		grid.setFiles(files.size() > SHOWN ? files.subList(0, SHOWN) : files);
		if (selected != null && grid.files().contains(selected)) {
			show(selected);
		}
		setStatus(files.isEmpty() ? "No images yet: generate some in the Diffusion view or render a scene."
				: files.size() > SHOWN ? "The newest " + SHOWN + " of " + files.size() + " images." : files.size() + " image(s).");
	}

	/** Shows a file's parameters, or none for null. */
	void show(Path file) {
		parameters.removeAll();
		selectedInfo = null;
		boolean any = file != null;
		open.setEnabled(any);
		openExternally.setEnabled(any);
		delete.setEnabled(any);
		reuse.setEnabled(false);
		if (file == null) {
			parametersTitle.setText("Select an image to see its parameters.");
			return;
		}
		Map<String, String> text;
		try {
			text = PngInfo.read(file);
		} catch (IOException e) {
			parametersTitle.setText(file.getFileName() + ": " + NO_PARAMETERS);
			setStatus(e.getMessage());
			return;
		}
		Optional<Infotext> info = ParameterRows.infotext(text);
		parametersTitle.setText(file.getFileName() + (info.isEmpty() ? ": " + NO_PARAMETERS : ""));
		info.ifPresent(i -> {
			selectedInfo = i;
			for (ParameterRows.Row row : ParameterRows.rows(i)) {
				new TableItem(parameters, SWT.NONE).setText(new String[] { row.name(), row.value() });
			}
		});
		reuse.setEnabled(info.isPresent());
	}

	/**
	 * Sends the selected image's parameters to the Diffusion view (bringing it forward) and returns the request sent,
	 * null when there was none to send.
	 */
	GenerationRequest reuseSelected() {
		if (selectedInfo == null) {
			setStatus("The selected image has " + NO_PARAMETERS + " to reuse.");
			return null;
		}
		GenerationRequest request;
		try {
			request = selectedInfo.toRequest(DEFAULTS);
		} catch (IllegalArgumentException e) {
			setStatus("These parameters cannot be reused: " + e.getMessage());
			return null;
		}
		if (broker == null) {
			setStatus("The Diffusion view cannot be reached here.");
			return null;
		}
		if (parts != null) {
			try {
				parts.showPart(DiffusionUi.DIFFUSION_PART, EPartService.PartState.ACTIVATE);
			} catch (RuntimeException e) {
				setStatus("Cannot show the Diffusion view: " + e.getMessage());
			}
		}
		broker.send(DiffusionUi.REUSE_TOPIC, request);
		setStatus("Sent seed " + request.seed() + " and its settings to the Diffusion view.");
		return request;
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

	/** Deletes the selected file once confirmed; returns whether it was deleted. */
	boolean deleteSelected() {
		Path file = grid.selection();
		if (file == null || !confirmDelete.test(file)) {
			return false;
		}
		try {
			Files.delete(file);
		} catch (IOException e) {
			setStatus("Cannot delete " + file + ": " + e.getMessage());
			return false;
		}
		refresh();
		setStatus("Deleted " + file.getFileName() + ".");
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
