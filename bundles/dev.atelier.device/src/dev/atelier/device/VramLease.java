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

	/** Bytes allocated under the lease now: through its compute contexts, and recorded as {@link #recordForeign foreign}. */
	long allocatedBytes();

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

	/**
	 * Records that an allocator the device service does not see (ONNX Runtime's CUDA provider, a cuBLAS workspace)
	 * took {@code bytes} of the device's memory for this lease's holder. They then count as allocated under the lease:
	 * the driver's free memory already lacks them, so the budget must not also hold them back as still promised.
	 * Close the returned handle when the foreign allocator gives them back.
	 *
	 * @throws IllegalStateException when the lease has fewer bytes left, or is no longer granted
	 */
	Foreign recordForeign(long bytes);

	/**
	 * Releases the lease; a second close does nothing, nor does a close while the lease is being evicted (by its holder's
	 * eviction callback, which may close everything it holds): the eviction then ends it.
	 */
	@Override
	void close();

	interface Use extends AutoCloseable {
		@Override
		void close();
	}

	/** Bytes a foreign allocator holds under a lease; closing gives them back to the lease (a second close does nothing). */
	interface Foreign extends AutoCloseable {
		long bytes();

		@Override
		void close();
	}
}
