package dev.atelier.ui.internal.parts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.e4.ui.workbench.modeling.ESelectionService;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.Asset;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.Project;
import dev.atelier.ui.AtelierUi;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The workspace model as a tree: projects with their assets, and the record of past jobs (newest first, with device,
 * duration and energy), updated as jobs end.
 */
public final class WorkspacePart {

	private static final String JOBS = "Job history";

	@Inject
	@Service
	private WorkspaceManager workspace;

	@Inject
	private ESelectionService selection;

	@Inject
	private IStylingEngine styling;

	@Inject
	private UISynchronize ui;

	TreeViewer viewer;
	private JobRecordsListener records;
	private final AtomicBoolean refreshPending = new AtomicBoolean();

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		workspace.loadProblem().ifPresent(problem -> {
			Label warning = new Label(parent, SWT.WRAP);
			warning.setText(problem);
			styling.setClassname(warning, AtelierUi.ERROR_CLASS);
			warning.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		});
		Label location = new Label(parent, SWT.NONE);
		location.setText(workspace.file().getParent().toString());
		viewer = new TreeViewer(parent, SWT.BORDER);
		viewer.getControl().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		viewer.setContentProvider(new Content());
		viewer.setLabelProvider(new LabelProvider() {
			@Override
			public String getText(Object element) {
				return switch (element) {
				case Project p -> p.getName();
				case Asset a -> a.getName() + "  [" + a.getKind().getLiteral() + "]";
				case JobRecord j -> label(workspace.read(ws -> JobRow.of(j)));
				default -> String.valueOf(element);
				};
			}
		});
		viewer.setInput(workspace.read(ws -> ws));
		records = JobRecordsListener.add(workspace, () -> {
			if (refreshPending.compareAndSet(false, true)) {
				ui.asyncExec(() -> {
					refreshPending.set(false);
					if (!viewer.getControl().isDisposed()) {
						viewer.refresh();
					}
				});
			}
		});
		// Other views (the Assistant's "ask about the selection") see the selected element described in words.
		viewer.addSelectionChangedListener(e -> {
			Object first = e.getStructuredSelection().getFirstElement();
			selection.setSelection(first == null ? null : describe(first));
		});
	}

	static String label(JobRow r) {
		return r.kind() + "  " + r.status() + (r.device().isEmpty() ? "" : "  on " + r.device()) + "  " + r.started() + "  " + r.duration()
				+ ("n/a".equals(r.energy()) ? "" : "  " + r.energy());
	}

	static String describe(Object element) {
		return switch (element) {
		case Project p -> "Atelier project '" + p.getName() + "' with " + p.getAssets().size() + " assets";
		case Asset a -> "Atelier asset '" + a.getName() + "' (" + a.getKind().getLiteral() + ")" + (a.getPath() == null ? "" : " at " + a.getPath());
		case JobRecord j -> "Atelier job " + j.getKind() + ", " + j.getStatus().getLiteral();
		default -> String.valueOf(element);
		};
	}

	@Focus
	void focus() {
		viewer.getControl().setFocus();
	}

	@PreDestroy
	void dispose() {
		if (records != null) {
			records.remove();
		}
	}

	private final class Content implements ITreeContentProvider {
		@Override
		public Object[] getElements(Object input) {
			return workspace.read(ws -> {
				List<Object> roots = new ArrayList<>(ws.getProjects());
				if (!ws.getJobs().isEmpty()) {
					roots.add(JOBS);
				}
				return roots.toArray();
			});
		}

		@Override
		public Object[] getChildren(Object parent) {
			return workspace.read(ws -> switch (parent) {
			case Project p -> p.getAssets().toArray();
			case String s when s.equals(JOBS) -> ws.getJobs().reversed().toArray();
			default -> new Object[0];
			});
		}

		@Override
		public Object getParent(Object element) {
			return null;
		}

		@Override
		public boolean hasChildren(Object element) {
			return getChildren(element).length > 0;
		}
	}
}
