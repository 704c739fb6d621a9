package dev.atelier.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a stream (the CLI's stderr, so stdout stays for results): redrawn in place with a
 * carriage return, ended with a line break by {@link #done()}.
 */
public final class ProgressBar {

	private static final int WIDTH = 30;
	private final PrintStream out;
	private final String label;
	private final long start = System.nanoTime();
	private int lastDrawn = -1;

	public ProgressBar(PrintStream out, String label) {
		this.out = out;
		this.label = label;
	}

	/** Shows {@code done} of {@code total} units with the rate so far; redraws only when the bar or count changes. */
	public synchronized void update(long done, long total, String unit) {
		int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
		int key = (int) Math.min(Integer.MAX_VALUE, done);
		if (key == lastDrawn) {
			return;
		}
		lastDrawn = key;
		double seconds = (System.nanoTime() - start) / 1e9;
		String rate = done > 0 ? String.format(Locale.ROOT, " %.2f s/%s", seconds / done, unit) : "";
		out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + unit + rate + "  ");
		out.flush();
	}

	/** Ends the line. */
	public synchronized void done() {
		if (lastDrawn >= 0) {
			out.println();
		}
		lastDrawn = -1;
	}
}
