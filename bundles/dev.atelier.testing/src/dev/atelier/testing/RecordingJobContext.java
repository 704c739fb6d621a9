package dev.atelier.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.atelier.core.jobs.JobContext;

/**
 * A {@link JobContext} that keeps what a job reported (tasks, work done, details, outputs) for a test to check, and
 * that the test cancels with {@link #cancel()}. Thread-safe: a job may report from any thread.
 */
public final class RecordingJobContext implements JobContext {

	private final List<String> tasks = new ArrayList<>();
	private final Map<String, String> details = new LinkedHashMap<>();
	private final List<String> outputs = new ArrayList<>();
	private long totalWork = -1;
	private long worked;
	private volatile boolean cancelled;

	@Override
	public synchronized void begin(String task, long totalWork) {
		tasks.add(task);
		this.totalWork = totalWork;
		worked = 0;
	}

	@Override
	public synchronized void worked(long steps) {
		worked += steps;
	}

	@Override
	public boolean isCancelled() {
		return cancelled;
	}

	@Override
	public synchronized void detail(String key, String value) {
		details.put(key, value);
	}

	@Override
	public synchronized void output(String path) {
		outputs.add(path);
	}

	/** From now on the job sees itself cancelled. */
	public void cancel() {
		cancelled = true;
	}

	/** The tasks begun, in order. */
	public synchronized List<String> tasks() {
		return List.copyOf(tasks);
	}

	/** The current task's total, negative when unknown. */
	public synchronized long totalWork() {
		return totalWork;
	}

	/** Steps worked since the current task began. */
	public synchronized long worked() {
		return worked;
	}

	public synchronized Map<String, String> details() {
		return new LinkedHashMap<>(details);
	}

	public synchronized List<String> outputs() {
		return List.copyOf(outputs);
	}
}
