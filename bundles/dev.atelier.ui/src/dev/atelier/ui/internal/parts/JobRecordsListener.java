package dev.atelier.ui.internal.parts;

import org.eclipse.emf.common.notify.Notification;
import org.eclipse.emf.common.notify.impl.AdapterImpl;

import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.WorkspacePackage;

/**
 * Tells a view when the workspace's job records change (a job of this process ended and was recorded, or another
 * process's records were read), on whichever thread changed them; the manager keeps one model object, so the adapter
 * stays on it.
 */
final class JobRecordsListener extends AdapterImpl {

	private final WorkspaceManager workspace;
	private final Runnable changed;

	private JobRecordsListener(WorkspaceManager workspace, Runnable changed) {
		this.workspace = workspace;
		this.changed = changed;
	}

	static JobRecordsListener add(WorkspaceManager workspace, Runnable changed) {
		JobRecordsListener listener = new JobRecordsListener(workspace, changed);
		workspace.read(ws -> ws.eAdapters().add(listener));
		return listener;
	}

	@Override
	public void notifyChanged(Notification notification) {
		if (notification.getFeature() == WorkspacePackage.Literals.WORKSPACE__JOBS && !notification.isTouch()) {
			changed.run();
		}
	}

	void remove() {
		workspace.read(ws -> ws.eAdapters().remove(this));
	}
}
