package dev.atelier.core.jobs;

import java.util.List;

/** Runs long work in the background with progress and cancellation, for the UI and the CLI alike. */
public interface JobService {

	<T> JobHandle<T> submit(String name, Job<T> job);

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
