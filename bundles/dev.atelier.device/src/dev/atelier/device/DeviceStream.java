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

	/**
	 * Starts recording the work queued on this stream into a graph instead of running it (CUDA stream capture), until
	 * {@link #endCapture()}. Throws {@link UnsupportedOperationException} naming the device where it has no graphs.
	 */
	void beginCapture();

	/** Ends the recording {@link #beginCapture()} started and returns the graph of what was queued meanwhile. */
	Graph endCapture();

	@Override
	void close();

	/** Recorded work that runs again, as one launch, on the stream that recorded it; closed with the context at the latest. */
	interface Graph extends AutoCloseable {

		/** Queues the recorded work on the stream. */
		void launch();

		@Override
		void close();
	}

	/** A recorded point of a stream; close it when done (the context closes any left). */
	interface Mark extends AutoCloseable {

		/** Milliseconds the device took from {@code earlier} to this mark; waits until this mark is reached. */
		double millisSince(Mark earlier);

		@Override
		void close();
	}
}
