package dev.atelier.core.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.Job;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;

/** Runs jobs on virtual threads; the service is plain Java so tests use it without a framework. */
@Component(service = JobService.class)
public final class ExecutorJobService implements JobService {

	private static final System.Logger LOG = System.getLogger(ExecutorJobService.class.getName());

	private final ExecutorService executor;
	private final AtomicLong ids = new AtomicLong();
	private final Map<Long, Handle<?>> active = new ConcurrentSkipListMap<>();
	private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

	/** How long SIGTERM waits for cancelled jobs to stop before recording them as cancelled anyway. */
	private static final Duration GRACE = Duration.ofSeconds(10);

	private final Thread onSignal = Thread.ofPlatform().name("atelier-jobs-shutdown").unstarted(() -> cancelForExit(GRACE));

	@Activate
	public ExecutorJobService() {
		this(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("atelier-job-", 1).factory()));
		// SIGTERM (and System.exit) end running jobs as cancelled, recorded, with no partial file left
		Runtime.getRuntime().addShutdownHook(onSignal);
	}

	public ExecutorJobService(ExecutorService executor) {
		this.executor = executor;
	}

	@Deactivate
	public void shutdown() {
		try {
			Runtime.getRuntime().removeShutdownHook(onSignal);
		} catch (IllegalStateException e) {
			// the JVM is exiting: the hook runs
		}
		active.values().forEach(Handle::cancel);
		executor.shutdownNow();
	}

	/**
	 * What the process does when it is told to end (SIGTERM): cancels every job and gives them {@code grace} to stop;
	 * one that has not is then ended as cancelled (its record says so), and the temporary files of unfinished writes are
	 * deleted.
	 */
	public void cancelForExit(Duration grace) {
		List<Handle<?>> jobs = List.copyOf(active.values());
		jobs.forEach(Handle::cancel);
		long deadline = System.nanoTime() + grace.toNanos();
		for (Handle<?> job : jobs) {
			try {
				job.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			} catch (ExecutionException | CancellationException | TimeoutException e) {
				// ended otherwise, or still running: settled below
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		jobs.forEach(job -> job.finish(JobState.CANCELLED, null, new JobCancelledException()));
		AtomicFiles.deleteUnfinished();
	}

	@Override
	public <T> JobHandle<T> submit(String name, Job<T> job) {
		return submit(name, job, executor);
	}

	@Override
	public <T> JobHandle<T> submit(String name, Job<T> job, Executor runner) {
		Handle<T> handle = new Handle<>(ids.incrementAndGet(), name);
		active.put(handle.id, handle);
		fire(handle);
		try {
			runner.execute(() -> handle.execute(job));
		} catch (RejectedExecutionException e) {
			handle.finish(JobState.FAILED, null, e);
		}
		return handle;
	}

	@Override
	public List<JobHandle<?>> active() {
		return List.copyOf(active.values());
	}

	@Override
	public void addListener(JobListener listener) {
		listeners.add(listener);
	}

	@Override
	public void removeListener(JobListener listener) {
		listeners.remove(listener);
	}

	private void fire(JobHandle<?> handle) {
		for (JobListener listener : listeners) {
			try {
				listener.changed(handle);
			} catch (RuntimeException e) {
				LOG.log(Level.WARNING, "job listener failed", e);
			}
		}
	}

	private final class Handle<T> implements JobHandle<T>, JobContext {
		private final long id;
		private final String name;
		private final CompletableFuture<T> result = new CompletableFuture<>();
		private volatile JobState state = JobState.QUEUED;
		private volatile boolean cancelled;
		private volatile String task = "";
		private volatile long total = -1;
		private volatile long done;
		private final Map<String, String> details = Collections.synchronizedMap(new LinkedHashMap<>());
		private final List<String> outputs = new CopyOnWriteArrayList<>();

		Handle(long id, String name) {
			this.id = id;
			this.name = name;
		}

		void execute(Job<T> job) {
			synchronized (this) {
				if (state.isDone()) {
					return; // cancelled while queued
				}
				if (cancelled) {
					finish(JobState.CANCELLED, null, new JobCancelledException());
					return;
				}
				state = JobState.RUNNING;
			}
			LOG.log(Level.INFO, "job '" + name + "' started");
			fire(this);
			try {
				T value = job.run(this);
				if (cancelled) {
					finish(JobState.CANCELLED, null, new JobCancelledException());
				} else {
					finish(JobState.SUCCEEDED, value, null);
				}
			} catch (JobCancelledException e) {
				finish(JobState.CANCELLED, null, e);
			} catch (Exception | Error e) {
				if (cancelled && e instanceof InterruptedException) {
					finish(JobState.CANCELLED, null, new JobCancelledException());
				} else {
					LOG.log(Level.ERROR, "job '" + name + "' failed", e);
					finish(JobState.FAILED, null, e);
				}
			}
		}

		/** Ends the job once; a later finish (a job that stopped after it was ended for exit) changes nothing. */
		void finish(JobState end, T value, Throwable failure) {
			synchronized (this) {
				if (state.isDone()) {
					return;
				}
				state = end;
			}
			active.remove(id);
			fire(this);
			if (failure == null) {
				result.complete(value);
			} else {
				result.completeExceptionally(failure);
			}
		}

		@Override
		public long id() {
			return id;
		}

		@Override
		public String name() {
			return name;
		}

		@Override
		public JobState state() {
			return state;
		}

		@Override
		public String task() {
			return task;
		}

		@Override
		public double progress() {
			long t = total;
			return t <= 0 ? Double.NaN : Math.min(1.0, (double) done / t);
		}

		@Override
		public void cancel() {
			synchronized (this) {
				if (state.isDone() || cancelled) {
					return;
				}
				cancelled = true;
				if (state == JobState.QUEUED) {
					// a queued job ends now, not when its executor would have reached it
					finish(JobState.CANCELLED, null, new JobCancelledException());
					return;
				}
			}
			fire(this);
		}

		@Override
		public CompletableFuture<T> result() {
			return result;
		}

		@Override
		public void begin(String newTask, long totalWork) {
			task = newTask == null ? "" : newTask;
			total = totalWork;
			done = 0;
			fire(this);
		}

		@Override
		public void worked(long steps) {
			done += steps;
			fire(this);
		}

		@Override
		public boolean isCancelled() {
			return cancelled;
		}

		@Override
		public void detail(String key, String value) {
			details.put(key, value);
		}

		@Override
		public void output(String path) {
			outputs.add(path);
		}

		@Override
		public Map<String, String> details() {
			synchronized (details) {
				return Collections.unmodifiableMap(new LinkedHashMap<>(details));
			}
		}

		@Override
		public List<String> outputs() {
			return List.copyOf(outputs);
		}

		@Override
		public String toString() {
			return "job " + id + " '" + name + "' " + state;
		}
	}
}
