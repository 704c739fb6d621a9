package dev.atelier.power;

/** A device could not be read; the message names it and the reason. */
public class TelemetryException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TelemetryException(String message) {
		super(message);
	}
}
