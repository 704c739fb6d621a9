package dev.atelier.core.jobs;

public enum JobState {
	QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

	public boolean isDone() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}
}
