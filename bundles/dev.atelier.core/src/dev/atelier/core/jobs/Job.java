package dev.atelier.core.jobs;

/** A piece of long work: reads its context for cancellation and reports progress through it. */
@FunctionalInterface
public interface Job<T> {
	T run(JobContext context) throws Exception;
}
