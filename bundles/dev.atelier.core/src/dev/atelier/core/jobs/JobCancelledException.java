package dev.atelier.core.jobs;

/** Thrown inside a job that notices its cancellation; the job then ends as {@link JobState#CANCELLED}. */
public class JobCancelledException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public JobCancelledException() {
		super("cancelled");
	}
}
