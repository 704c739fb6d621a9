package dev.atelier.device;

/** An ordered queue of work on a device (a CUDA stream). */
public interface DeviceStream extends AutoCloseable {

	/** The native handle (CUstream), 0 where the backend has none. */
	long handle();

	/** Waits until all work queued on the stream has finished. */
	void synchronize();

	/**
	 * Records a point in the stream's work (a CUDA event), for timing work on the device itself and for making
	 * other streams wait. On devices without streams it is the time of the call.
	 */
	Mark mark();

	/** Makes work queued on this stream from now on wait until {@code mark} is reached. */
	void waitFor(Mark mark);

	@Override
	void close();

	/** A recorded point of a stream; close it when done (the context closes any left). */
	interface Mark extends AutoCloseable {

		/** Milliseconds the device took from {@code earlier} to this mark; waits until this mark is reached. */
		double millisSince(Mark earlier);

		@Override
		void close();
	}
}
