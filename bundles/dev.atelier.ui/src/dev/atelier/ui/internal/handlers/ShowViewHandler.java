package dev.atelier.ui.internal.handlers;

import java.util.Comparator;
import java.util.List;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Shell;

import jakarta.inject.Named;

/**
 * Window ▸ Show View: every view of the window, closed ones too, in a list; the chosen one is shown and activated
 * where it was last (a closed view returns to its stack). With the parameter {@link #VIEW_ID} the view is shown
 * without asking.
 */
public final class ShowViewHandler {

	public static final String COMMAND = "dev.atelier.ui.command.showView";

	/** The command's optional parameter: the element id of the view to show. */
	public static final String VIEW_ID = "dev.atelier.ui.command.showView.viewId";

	@Execute
	void execute(Shell shell, MWindow window, EModelService models, EPartService parts, @Optional @Named(VIEW_ID) String viewId) {
		List<MPart> views = models.findElements(window, null, MPart.class).stream()
				.filter(p -> p.getLabel() != null && !p.getLabel().isBlank())
				.sorted(Comparator.comparing(MPart::getLabel, String.CASE_INSENSITIVE_ORDER)).toList();
		MPart chosen = viewId != null ? views.stream().filter(p -> viewId.equals(p.getElementId())).findFirst().orElse(null)
				: new ViewsDialog(shell, views).choose();
		if (chosen != null) {
			parts.showPart(chosen, PartState.ACTIVATE);
		}
	}

	/** The list of views; double-click or OK shows the selected one. */
	static final class ViewsDialog extends Dialog {
		private final List<MPart> views;
		private org.eclipse.swt.widgets.List list;
		private MPart chosen;

		ViewsDialog(Shell parent, List<MPart> views) {
			super(parent);
			this.views = views;
		}

		MPart choose() {
			return open() == OK ? chosen : null;
		}

		@Override
		protected void configureShell(Shell shell) {
			super.configureShell(shell);
			shell.setText("Show View");
		}

		@Override
		protected Control createDialogArea(Composite parent) {
			Composite area = (Composite) super.createDialogArea(parent);
			list = new org.eclipse.swt.widgets.List(area, SWT.BORDER | SWT.SINGLE | SWT.V_SCROLL);
			GridData data = new GridData(SWT.FILL, SWT.FILL, true, true);
			data.widthHint = 280;
			data.heightHint = 260;
			list.setLayoutData(data);
			views.forEach(v -> list.add(v.getLabel() + (v.isToBeRendered() ? "" : "  (closed)")));
			if (!views.isEmpty()) {
				list.select(0);
			}
			list.addListener(SWT.DefaultSelection, e -> okPressed());
			return area;
		}

		@Override
		protected void okPressed() {
			int index = list.getSelectionIndex();
			chosen = index < 0 ? null : views.get(index);
			super.okPressed();
		}

		@Override
		protected void createButtonsForButtonBar(Composite parent) {
			createButton(parent, IDialogConstants.OK_ID, "Show", true);
			createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
		}
	}
}
