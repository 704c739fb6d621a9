package dev.atelier.testing.ui;

import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.widgets.Display;

/** The workbench's {@link UISynchronize} for a view made in a test's plain shell: runs on the display's thread. */
public final class DisplaySynchronize extends UISynchronize {

	private final Display display;

	public DisplaySynchronize(Display display) {
		this.display = display;
	}

	@Override
	public void syncExec(Runnable runnable) {
		display.syncExec(runnable);
	}

	@Override
	public void asyncExec(Runnable runnable) {
		display.asyncExec(runnable);
	}

	@Override
	protected boolean isUIThread(Thread thread) {
		return display.getThread() == thread;
	}

	@Override
	protected void showBusyWhile(Runnable runnable) {
		runnable.run();
	}

	@Override
	protected boolean dispatchEvents() {
		return display.readAndDispatch();
	}
}
