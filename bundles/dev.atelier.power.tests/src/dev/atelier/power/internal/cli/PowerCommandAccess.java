package dev.atelier.power.internal.cli;

/** Opens PowerCommand's package-private parsing to the tests in the parent package. */
public final class PowerCommandAccess {

	private PowerCommandAccess() {
	}

	public static long interval(String text) {
		return PowerCommand.interval(text);
	}
}
