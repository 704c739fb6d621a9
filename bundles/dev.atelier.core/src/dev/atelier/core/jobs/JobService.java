package dev.atelier.core.jobs;

import java.util.concurrent.Executor;

import java.util.List;

/** Runs long work in the background with progress and cancellation, for the UI and the CLI alike. */
public interface JobService {

	/** Runs the job on a virtual thread of its own. */
	default <T> JobHandle<T> submit(String name, Job<T> job) {
		return submit(name, job, runnable -> Thread.ofVirtual().name("atelier-job").start(runnable));
	}

	/**
	 * Runs the job on {@code executor}, e.g. a single thread that takes a device's jobs one at a time: the job stays
	 * {@link JobState#QUEUED}, visible and cancellable, until the executor runs it.
	 */
	<T> JobHandle<T> submit(String name, Job<T> job, Executor executor);

	/** Jobs that are queued or running, oldest first. */
	List<JobHandle<?>> active();

	/** {@code listener} hears of every change of state or progress, on the thread that made it. */
	void addListener(JobListener listener);

	void removeListener(JobListener listener);

	@FunctionalInterface
	interface JobListener {
		void changed(JobHandle<?> job);
	}
}
