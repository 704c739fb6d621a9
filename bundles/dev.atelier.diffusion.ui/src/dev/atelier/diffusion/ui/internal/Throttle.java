package dev.atelier.diffusion.ui.internal;

/**
 * Spaces updates at least {@code interval} apart: each caller reserves the next free slot and learns how long to
 * wait for it. Used for the live preview, whose steps can come faster than the screen needs them.
 */
final class Throttle {

	private final long interval;
	private long last = Long.MIN_VALUE / 2;

	Throttle(long intervalMillis) {
		if (intervalMillis < 0) {
			throw new IllegalArgumentException("interval " + intervalMillis + " < 0");
		}
		this.interval = intervalMillis;
	}

	/** Reserves the earliest slot at or after {@code now} that is {@code interval} after the last one; returns the wait. */
	synchronized long reserve(long now) {
		long slot = Math.max(now, last + interval);
		last = slot;
		return slot - now;
	}
}
