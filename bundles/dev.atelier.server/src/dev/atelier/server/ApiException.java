package dev.atelier.server;

/**
 * A request that cannot be answered as asked, with the HTTP status that says why: 400 bad input, 401 no or a wrong
 * API key, 404 no such model or path, 413 a body over the limit, 429 a full queue.
 *
 * @see ServerApi#error
 */
public class ApiException extends Exception {

	private static final long serialVersionUID = 1L;

	private final int status;
	private final String param;

	/** {@code param}: the request field at fault, or null. */
	public ApiException(int status, String message, String param) {
		super(message);
		this.status = status;
		this.param = param;
	}

	public ApiException(int status, String message) {
		this(status, message, null);
	}

	public int status() {
		return status;
	}

	/** The request field at fault, or null. */
	public String param() {
		return param;
	}
}
