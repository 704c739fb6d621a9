package dev.atelier.ui.internal.parts;

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
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import java.util.function.Function;

/** Queued and running jobs with their progress; the selected ones can be cancelled. */
public final class JobsPart {

	@Inject
	@Service
	private JobService jobs;

	@Inject
	private UISynchronize ui;

	private TableViewer viewer;
	private final JobService.JobListener listener = job -> ui.asyncExec(this::refresh);

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		Composite tableArea = new Composite(parent, SWT.NONE);
		tableArea.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		TableColumnLayout columns = new TableColumnLayout();
		tableArea.setLayout(columns);
		viewer = new TableViewer(tableArea, SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
		viewer.getTable().setHeaderVisible(true);
		viewer.setContentProvider(ArrayContentProvider.getInstance());
		column(columns, "Job", 40, JobHandle::name);
		column(columns, "State", 15, j -> j.state().name().toLowerCase());
		column(columns, "Progress", 15, j -> Double.isNaN(j.progress()) ? "…" : Math.round(j.progress() * 100) + " %");
		column(columns, "Task", 30, JobHandle::task);
		Button cancel = new Button(parent, SWT.PUSH);
		cancel.setText("Cancel selected");
		cancel.addListener(SWT.Selection, e -> {
			for (Object o : ((IStructuredSelection) viewer.getSelection()).toList()) {
				((JobHandle<?>) o).cancel();
			}
		});
		jobs.addListener(listener);
		refresh();
	}

	private void column(TableColumnLayout layout, String title, int weight, Function<JobHandle<?>, String> text) {
		TableViewerColumn column = new TableViewerColumn(viewer, SWT.NONE);
		column.getColumn().setText(title);
		layout.setColumnData(column.getColumn(), new ColumnWeightData(weight));
		column.setLabelProvider(new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				return text.apply((JobHandle<?>) element);
			}
		});
	}

	private void refresh() {
		if (viewer != null && !viewer.getControl().isDisposed()) {
			viewer.setInput(jobs.active());
		}
	}

	@Focus
	void focus() {
		viewer.getControl().setFocus();
	}

	@PreDestroy
	void dispose() {
		jobs.removeListener(listener);
	}
}
