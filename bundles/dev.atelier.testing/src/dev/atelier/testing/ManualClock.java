package dev.atelier.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when the test moves it: an {@link InstantSource} for wall time and a {@link LongSupplier}
 * of nanoseconds for code that measures intervals as {@link System#nanoTime()} does.
 */
public final class ManualClock implements InstantSource, LongSupplier {

	private long nanos;
	private final Instant origin;

	public ManualClock() {
		this(Instant.parse("2026-01-01T00:00:00Z"));
	}

	public ManualClock(Instant origin) {
		this.origin = origin;
	}

	public synchronized void advance(Duration by) {
		if (by.isNegative()) {
			throw new IllegalArgumentException("a clock does not go back: " + by);
		}
		nanos += by.toNanos();
	}

	/** Nanoseconds since the clock was made, as {@link System#nanoTime()} would count them. */
	public synchronized long nanoTime() {
		return nanos;
	}

	@Override
	public long getAsLong() {
		return nanoTime();
	}

	@Override
	public synchronized Instant instant() {
		return origin.plusNanos(nanos);
	}
}
