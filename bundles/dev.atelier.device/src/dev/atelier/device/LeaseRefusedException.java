package dev.atelier.device;

/**
 * A lease that cannot be granted: immediately when the request can never fit the device, or after the
 * request's timeout. The message says what was asked, the budget, and who holds what.
 */
public class LeaseRefusedException extends Exception {

	private static final long serialVersionUID = 1L;

	private final boolean never;

	public LeaseRefusedException(String message, boolean never) {
		super(message);
		this.never = never;
	}

	/** True when waiting would not help: the request is larger than the device can ever give. */
	public boolean never() {
		return never;
	}
}
