package dev.atelier.viewport.internal.trace;

import java.util.Deque;

/**
 * One device's part of a {@link SplitRenderer split render}: it holds the device's lease and traces the band of rows
 * it is handed into its own sums (a GPU's on the device, the host's straight into the merged film). Its calls come
 * from one thread, the device's own.
 */
interface RenderShare extends AutoCloseable {

	/** Rays one call to {@link #trace} traced: camera rays and all rays. */
	record Rays(long primary, long total) {
	}

	String device();

	/** Passes [first, first + count) of every pixel of rows [top, bottom), added to this device's sums; returns once done. */
	Rays trace(int top, int bottom, int first, int count);

	/** Copies the sums of rows [top, bottom) into the merged film: rows it gives up, or the film is read. */
	void collect(Film film, int top, int bottom);

	/** Takes the sums of rows [top, bottom) from the merged film: rows another device traced so far. */
	void hand(Film film, int top, int bottom);

	/** Frees what it holds, its lease last. */
	@Override
	void close();

	/** Closes the most recently opened first; a failure is added to {@code failure} when there is one, else thrown after all closed. */
	static void closeAll(Deque<AutoCloseable> opened, Throwable failure) {
		Throwable first = failure;
		while (!opened.isEmpty()) {
			try {
				opened.pop().close();
			} catch (Exception | Error e) {
				if (first == null) {
					first = e;
				} else {
					first.addSuppressed(e);
				}
			}
		}
		if (failure == null && first != null) {
			if (first instanceof RuntimeException r) {
				throw r;
			}
			if (first instanceof Error err) {
				throw err;
			}
			throw new IllegalStateException(first);
		}
	}
}
