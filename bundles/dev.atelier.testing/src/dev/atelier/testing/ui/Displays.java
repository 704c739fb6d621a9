package dev.atelier.testing.ui;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Widget;

/** Runs a display's event loop from a test, which holds the UI thread, until the view gets where the test waits for. */
public final class Displays {

	/** Long enough for a view's background work (a job, a thumbnail, a trace pass) on a loaded CI machine. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

	private Displays() {
	}

	/** Dispatches events until the condition holds; fails when it does not within {@link #DEFAULT_TIMEOUT}. */
	public static void spinUntil(Display display, BooleanSupplier condition) {
		spinUntil(display, condition, DEFAULT_TIMEOUT);
	}

	/** Dispatches events until the condition holds; fails, saying how long it waited, when it does not in time. */
	public static void spinUntil(Display display, BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("the view did not get there in " + timeout.toMillis() + " ms");
			}
			dispatchOrSleep(display);
		}
	}

	/** Dispatches events for a while: layouts, paints and timers run, e.g. before a screenshot. */
	public static void settle(Display display, Duration time) {
		long until = System.nanoTime() + time.toNanos();
		while (System.nanoTime() - until < 0) {
			dispatchOrSleep(display);
		}
	}

	/** What a click on a button does: its selection listeners run (a check or radio button's state is set first). */
	public static void click(Widget widget) {
		widget.notifyListeners(org.eclipse.swt.SWT.Selection, new Event());
	}

	private static void dispatchOrSleep(Display display) {
		if (!display.readAndDispatch()) {
			try {
				Thread.sleep(5);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted while waiting for the view", e);
			}
		}
	}
}
