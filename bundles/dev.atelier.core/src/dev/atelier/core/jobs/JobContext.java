package dev.atelier.core.jobs;

/** What a running job uses to report progress and to notice that it was cancelled. */
public interface JobContext {

	/** Starts a unit of work of {@code totalWork} steps; a negative total means "unknown". */
	void begin(String task, long totalWork);

	/** Reports {@code steps} more steps done. */
	void worked(long steps);

	boolean isCancelled();

	/**
	 * Notes a detail the job's record keeps: its parameters, and {@link JobHandle#DEVICE} for the device it ran on.
	 * Contexts that keep no record ignore it.
	 */
	default void detail(String key, String value) {
	}

	/** Notes a file the job wrote, for its record; contexts that keep no record ignore it. */
	default void output(String path) {
	}

	/** Throws {@link JobCancelledException} if the job was cancelled; long loops call it between steps. */
	default void checkCancelled() {
		if (isCancelled()) {
			throw new JobCancelledException();
		}
	}
}
