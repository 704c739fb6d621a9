package dev.atelier.testing.ui;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.swt.widgets.Display;

import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;

/** Watches the jobs a view submits: which ran, and whether on the display's thread, where no file work belongs. */
public final class JobThreads implements AutoCloseable {

	private final JobService jobs;
	private final Map<String, Boolean> started = new ConcurrentHashMap<>();
	private final JobService.JobListener listener;

	private JobThreads(JobService jobs, Display display) {
		this.jobs = jobs;
		// a job's move to RUNNING is announced on the thread that runs it
		this.listener = job -> {
			if (job.state() == JobState.RUNNING) {
				started.put(job.name(), Thread.currentThread() == display.getThread());
			}
		};
		jobs.addListener(listener);
	}

	/** Starts watching; close to stop. */
	public static JobThreads watch(JobService jobs, Display display) {
		return new JobThreads(jobs, display);
	}

	/** The names of the jobs that ran so far, each with whether it ran on the display's thread. */
	public Map<String, Boolean> started() {
		return Map.copyOf(started);
	}

	@Override
	public void close() {
		jobs.removeListener(listener);
	}
}
