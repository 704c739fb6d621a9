package dev.atelier.viewport.ui.internal;

import java.util.Locale;

/** The mean time of the last frames, for the overlay. */
public final class FrameTimes {

	private final long[] nanos;
	private int count;
	private int next;

	public FrameTimes(int window) {
		nanos = new long[window];
	}

	public void add(long frameNanos) {
		nanos[next] = frameNanos;
		next = (next + 1) % nanos.length;
		count = Math.min(count + 1, nanos.length);
	}

	/** Mean milliseconds per frame over the window, NaN before the first frame. */
	public double meanMillis() {
		if (count == 0) {
			return Double.NaN;
		}
		long sum = 0;
		for (int i = 0; i < count; i++) {
			sum += nanos[i];
		}
		return sum / 1e6 / count;
	}

	/** "4.2 ms/frame", or "– ms/frame" before the first frame. */
	public String label() {
		return label(meanMillis());
	}

	static String label(double ms) {
		return Double.isNaN(ms) ? "– ms/frame" : String.format(Locale.ROOT, "%.1f ms/frame", ms);
	}
}
