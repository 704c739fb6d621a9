package dev.atelier.testing;

import java.util.function.BooleanSupplier;

/**
 * Waiting for something that another thread makes true and that offers nothing to wait on (a sampler's first
 * sample): polls, and fails naming it after a generous timeout, which bounds a hang, never a duration under test.
 */
public final class Conditions {

	private Conditions() {
	}

	public static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Services.DEFAULT_TIMEOUT_MS * 1_000_000;
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("still not so after " + Services.DEFAULT_TIMEOUT_MS + " ms: " + what);
			}
			Thread.sleep(10);
		}
	}
}
