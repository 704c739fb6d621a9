package dev.atelier.compute.internal.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The CPU backend's threads: the caller and {@code threads - 1} workers share an operation's tasks. Our own rather than
 * a ForkJoinPool because a decode step runs about a hundred operations of tens of microseconds each, and waking parked
 * threads for every one costs about as much as the work: workers spin a while after an operation, so the next one finds
 * them awake, and park when none comes.
 */
final class Workers implements AutoCloseable {

	/** How long a worker waits awake for the next operation: longer than the serial work between a step's operations. */
	private static final long SPIN_NANOS = 200_000;

	private final Thread[] workers;
	private volatile Job job;
	private volatile boolean closed;

	/** One operation's tasks, taken in turn by whoever is free. */
	private static final class Job {
		final IntConsumer task;
		final int tasks;
		final AtomicInteger next = new AtomicInteger();
		final AtomicInteger done = new AtomicInteger();
		volatile Throwable failure;

		Job(IntConsumer task, int tasks) {
			this.task = task;
			this.tasks = tasks;
		}

		void work() {
			for (int i; (i = next.getAndIncrement()) < tasks;) {
				try {
					task.accept(i);
				} catch (Throwable t) {
					failure = t;
				}
				done.incrementAndGet();
			}
		}
	}

	Workers(int threads, String name) {
		workers = new Thread[threads - 1];
		for (int i = 0; i < workers.length; i++) {
			workers[i] = Thread.ofPlatform().daemon().name(name + " worker " + (i + 1)).start(this::loop);
		}
	}

	/** Runs {@code task(0 … tasks - 1)} on the caller and the workers; returns when all have finished, rethrowing a failure. */
	void run(int tasks, IntConsumer task) {
		if (closed) {
			throw new IllegalStateException("the CPU backend's threads were stopped");
		}
		Job j = new Job(task, tasks);
		job = j;
		for (Thread worker : workers) {
			LockSupport.unpark(worker);
		}
		j.work();
		while (j.done.get() < tasks) {
			Thread.onSpinWait();
		}
		Throwable failure = j.failure;
		if (failure instanceof RuntimeException e) {
			throw e;
		}
		if (failure instanceof Error e) {
			throw e;
		}
		if (failure != null) {
			throw new IllegalStateException(failure);
		}
	}

	private void loop() {
		Job seen = null;
		while (!closed) {
			Job j = job;
			if (j != seen) {
				seen = j;
				j.work();
				continue;
			}
			long until = System.nanoTime() + SPIN_NANOS;
			while (job == seen && !closed && System.nanoTime() < until) {
				Thread.onSpinWait();
			}
			if (job == seen && !closed) {
				LockSupport.park(this); // run() unparks; a stale permit only costs one more turn of the loop
			}
		}
	}

	@Override
	public void close() {
		closed = true;
		for (Thread worker : workers) {
			LockSupport.unpark(worker);
		}
	}
}
