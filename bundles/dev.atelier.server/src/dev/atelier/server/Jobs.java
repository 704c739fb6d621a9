package dev.atelier.server;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;

/** How a {@link ServerApi} answers with a job of the job service: it waits for it, and cancels it when nobody waits any more. */
public final class Jobs {

	/** How often a waiting request looks whether its client is still there. */
	private static final long POLL_MILLIS = 100;

	private Jobs() {
	}

	/**
	 * The job's value, once it has one; the job is cancelled as soon as {@code cancelled} says so (the client went
	 * away, see {@link Exchange#cancelled()}). Its failures become {@link ApiException}s: one it threw as it is, a
	 * cancellation 503, anything else 500 with its message.
	 */
	public static <T> T await(JobHandle<T> job, BooleanSupplier cancelled) throws ApiException {
		while (true) {
			try {
				return job.result().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
			} catch (TimeoutException e) {
				if (cancelled.getAsBoolean()) {
					job.cancel();
				}
			} catch (ExecutionException e) {
				Throwable cause = e.getCause();
				if (cause instanceof ApiException problem) {
					throw problem;
				}
				if (cause instanceof JobCancelledException) {
					throw new ApiException(503, "'" + job.name() + "' was cancelled");
				}
				throw new ApiException(500, "'" + job.name() + "' failed: " + (cause.getMessage() == null ? cause : cause.getMessage()));
			} catch (InterruptedException e) {
				job.cancel();
				Thread.currentThread().interrupt();
				throw new ApiException(503, "the server is stopping");
			}
		}
	}
}
