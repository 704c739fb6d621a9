package dev.atelier.device;

import java.time.Duration;

/**
 * Bytes of one device's memory that the arbiter granted to one holder. Closing it gives them back. Work that
 * uses the memory runs inside {@link #use()}, so that the lease counts as busy and is never evicted meanwhile.
 */
public interface VramLease extends AutoCloseable {

	long id();

	String deviceId();

	LeaseOwner owner();

	Priority priority();

	/** Granted bytes: between the request's minimum and its size. */
	long bytes();

	long requestedBytes();

	LeaseState state();

	boolean evictable();

	boolean pinned();

	void setPinned(boolean pinned);

	/** Null when the lease has no idle time-to-live. */
	Duration idleTtl();

	/** True while at least one {@link #use()} is open. */
	boolean busy();

	/**
	 * Marks the lease busy until the returned handle is closed. Throws {@link IllegalStateException} when the
	 * lease was evicted or released, so that a holder notices before it touches memory it no longer has.
	 */
	Use use();

	/** Releases the lease; a second close does nothing. */
	@Override
	void close();

	interface Use extends AutoCloseable {
		@Override
		void close();
	}
}
