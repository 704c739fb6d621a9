package dev.atelier.ui.internal.parts;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.ui.internal.handlers.OpenHandler;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * Queued and running jobs with their progress (the selected ones can be cancelled), and under them the job history:
 * every recorded job, newest first, with its device, parameters, duration, energy and outputs, updated as jobs end.
 * A finished job's first output opens in the view that opens its kind of file (File ▸ Open), and its parameters go
 * back into the view that made it (the Gallery's Reuse parameters, where a capability knows the file).
 */
public final class JobsPart {

	/** The Gallery's command, run by id: the workbench bundle does not import the Gallery's. */
	static final String REUSE = "dev.atelier.outputs.ui.command.reuse";
	static final String REUSE_FILE = "dev.atelier.outputs.ui.command.reuse.file";

	@Inject
	@Service
	private JobService jobs;

	@Inject
	@Service
	private WorkspaceManager workspace;

	@Inject
	private UISynchronize ui;

	@Inject
	private ECommandService commands;

	@Inject
	private EHandlerService handlers;

	private TableViewer viewer;
	/** The recorded jobs, newest first. */
	TableViewer history;
	Button open;
	Button reuse;
	/** What Open or Reuse did, or why it could not. */
	Label status;
	private JobRecordsListener records;
	private final AtomicBoolean historyRefreshPending = new AtomicBoolean();
	private final JobService.JobListener listener = job -> ui.asyncExec(this::refresh);

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		// side by side: the bottom stack is wide and short
		SashForm panes = new SashForm(parent, SWT.HORIZONTAL);
		panes.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));

		Composite active = new Composite(panes, SWT.NONE);
		active.setLayout(new GridLayout(1, false));
		new Label(active, SWT.NONE).setText("Running and queued");
		viewer = table(active);
		column(viewer, "Job", 40, j -> ((JobHandle<?>) j).name());
		column(viewer, "State", 15, j -> ((JobHandle<?>) j).state().name().toLowerCase());
		column(viewer, "Progress", 15, j -> Double.isNaN(((JobHandle<?>) j).progress()) ? "…" : Math.round(((JobHandle<?>) j).progress() * 100) + " %");
		column(viewer, "Task", 30, j -> ((JobHandle<?>) j).task());
		Button cancel = new Button(active, SWT.PUSH);
		cancel.setText("Cancel selected");
		cancel.addListener(SWT.Selection, e -> {
			for (Object o : ((IStructuredSelection) viewer.getSelection()).toList()) {
				((JobHandle<?>) o).cancel();
			}
		});

		Composite done = new Composite(panes, SWT.NONE);
		done.setLayout(new GridLayout(1, false));
		new Label(done, SWT.NONE).setText("History");
		history = table(done);
		column(history, "Job", 22, r -> row(r).kind());
		column(history, "Status", 9, r -> row(r).status());
		column(history, "Device", 9, r -> row(r).device());
		column(history, "Started", 12, r -> row(r).started());
		column(history, "Duration", 8, r -> row(r).duration());
		column(history, "Energy", 10, r -> row(r).energy());
		column(history, "Parameters", 20, r -> row(r).parameters());
		column(history, "Outputs", 10, r -> row(r).outputsText());
		history.getTable().setToolTipText("Double-click opens the first output");
		history.addDoubleClickListener(e -> openOutput());
		Composite actions = new Composite(done, SWT.NONE);
		actions.setLayout(new GridLayout(3, false));
		actions.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		open = button(actions, "Open output", this::openOutput);
		reuse = button(actions, "Reuse parameters", this::reuseParameters);
		status = new Label(actions, SWT.NONE);
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		history.addSelectionChangedListener(e -> enableActions());
		panes.setWeights(35, 65);

		jobs.addListener(listener);
		records = JobRecordsListener.add(workspace, () -> {
			if (historyRefreshPending.compareAndSet(false, true)) {
				ui.asyncExec(() -> {
					historyRefreshPending.set(false);
					refreshHistory();
				});
			}
		});
		refresh();
		refreshHistory();
	}

	private static TableViewer table(Composite parent) {
		Composite tableArea = new Composite(parent, SWT.NONE);
		tableArea.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		tableArea.setLayout(new TableColumnLayout());
		TableViewer table = new TableViewer(tableArea, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
		table.getTable().setHeaderVisible(true);
		table.setContentProvider(ArrayContentProvider.getInstance());
		return table;
	}

	private static JobRow row(Object element) {
		return (JobRow) element;
	}

	private static void column(TableViewer table, String title, int weight, Function<Object, String> text) {
		TableViewerColumn column = new TableViewerColumn(table, SWT.NONE);
		column.getColumn().setText(title);
		((TableColumnLayout) table.getTable().getParent().getLayout()).setColumnData(column.getColumn(), new ColumnWeightData(weight));
		column.setLabelProvider(new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				return text.apply(element);
			}
		});
	}

	private static Button button(Composite parent, String text, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		b.setEnabled(false);
		return b;
	}

	private void refresh() {
		if (viewer != null && !viewer.getControl().isDisposed()) {
			viewer.setInput(jobs.active());
		}
	}

	/** The records as rows, newest first; read under the workspace's lock, shown from plain values. */
	private void refreshHistory() {
		if (history == null || history.getControl().isDisposed()) {
			return;
		}
		List<JobRow> rows = workspace.read(ws -> ws.getJobs().stream().map(JobRow::of).toList()).stream()
				.sorted(Comparator.comparing(JobRow::startMillis).reversed()).toList();
		history.setInput(rows);
		enableActions();
	}

	private JobRow selected() {
		Object first = history.getStructuredSelection().getFirstElement();
		return first instanceof JobRow r ? r : null;
	}

	private void enableActions() {
		JobRow r = selected();
		open.setEnabled(r != null && !r.outputs().isEmpty());
		reuse.setEnabled(r != null && !r.outputs().isEmpty() && handlers.canExecute(reuseCommand(r.outputs().get(0))));
	}

	private ParameterizedCommand reuseCommand(String file) {
		return commands.createCommand(REUSE, Map.of(REUSE_FILE, file));
	}

	/** The selected job's first output, in the view that opens its kind of file (File ▸ Open). */
	void openOutput() {
		JobRow r = selected();
		if (r == null || r.outputs().isEmpty()) {
			return;
		}
		handlers.executeHandler(commands.createCommand(OpenHandler.COMMAND, Map.of(OpenHandler.FILE, r.outputs().get(0))));
		status.setText("Opened " + JobRow.fileName(r.outputs().get(0)) + ".");
	}

	/** The selected job's parameters, back in the view that made its first output. */
	void reuseParameters() {
		JobRow r = selected();
		if (r == null || r.outputs().isEmpty()) {
			return;
		}
		ParameterizedCommand command = reuseCommand(r.outputs().get(0));
		if (!handlers.canExecute(command)) {
			status.setText("No view knows the parameters of " + JobRow.fileName(r.outputs().get(0)) + ".");
			return;
		}
		Object result = handlers.executeHandler(command);
		status.setText(result instanceof String said ? said : "Parameters of " + r.kind() + " reused.");
	}

	@Focus
	void focus() {
		viewer.getControl().setFocus();
	}

	@PreDestroy
	void dispose() {
		jobs.removeListener(listener);
		if (records != null) {
			records.remove();
		}
	}
}
