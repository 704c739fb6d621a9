package dev.atelier.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.atelier.core.jobs.Job;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;

/**
 * A {@link JobService} for unit tests without the framework: each job runs on the executor given (by default a
 * virtual thread of its own) with a {@link RecordingJobContext}; listeners hear when a job is queued, starts and ends.
 * A test can also move jobs of its own making through their states with {@link #announce}.
 */
public final class FakeJobService implements JobService {

	private final AtomicLong ids = new AtomicLong();
	private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
	private final List<Handle<?>> submitted = new CopyOnWriteArrayList<>();

	/**
	 * A submitted job, with the context it reports to. Its state is read off its result, so that there is one truth:
	 * {@code started} is taken once, by the run that starts the job or by a cancel that stops it while queued.
	 */
	public record Handle<T>(long id, String name, RecordingJobContext context, CompletableFuture<T> result, AtomicBoolean started)
			implements JobHandle<T> {

		@Override
		public JobState state() {
			return switch (result.state()) {
			case RUNNING -> started.get() ? JobState.RUNNING : JobState.QUEUED;
			case SUCCESS -> JobState.SUCCEEDED;
			case FAILED -> result.exceptionNow() instanceof JobCancelledException ? JobState.CANCELLED : JobState.FAILED;
			case CANCELLED -> JobState.CANCELLED;
			};
		}

		@Override
		public String task() {
			List<String> tasks = context.tasks();
			return tasks.isEmpty() ? "" : tasks.getLast();
		}

		@Override
		public double progress() {
			long total = context.totalWork();
			return total <= 0 ? Double.NaN : Math.min(1, (double) context.worked() / total);
		}

		@Override
		public Map<String, String> details() {
			return context.details();
		}

		@Override
		public List<String> outputs() {
			return context.outputs();
		}

		@Override
		public void cancel() {
			context.cancel();
			if (started.compareAndSet(false, true)) {
				result.completeExceptionally(new JobCancelledException());
			}
		}
	}

	@Override
	public <T> JobHandle<T> submit(String name, Job<T> job, Executor executor) {
		Handle<T> handle = new Handle<>(ids.incrementAndGet(), name, new RecordingJobContext(), new CompletableFuture<>(), new AtomicBoolean());
		submitted.add(handle);
		handle.result().whenComplete((value, failure) -> {
			submitted.remove(handle);
			announce(handle);
		});
		announce(handle);
		executor.execute(() -> {
			if (handle.started().compareAndSet(false, true)) {
				announce(handle);
				try {
					handle.result().complete(job.run(handle.context()));
				} catch (Throwable e) {
					handle.result().completeExceptionally(e);
				}
			}
		});
		return handle;
	}

	@Override
	public List<JobHandle<?>> active() {
		return List.copyOf(submitted);
	}

	@Override
	public void addListener(JobListener listener) {
		listeners.add(listener);
	}

	@Override
	public void removeListener(JobListener listener) {
		listeners.remove(listener);
	}

	/** Tells every listener of the job's change, as the service does for its own jobs. */
	public void announce(JobHandle<?> job) {
		listeners.forEach(l -> l.changed(job));
	}

	/** A handle fixed in one state, for {@link #announce}: a job as a listener sees it at one moment. */
	public static JobHandle<Void> snapshot(long id, String name, JobState state, Map<String, String> details, List<String> outputs) {
		return new Snapshot(id, name, state, details, outputs);
	}

	private record Snapshot(long id, String name, JobState state, Map<String, String> details, List<String> outputs) implements JobHandle<Void> {

		@Override
		public String task() {
			return "";
		}

		@Override
		public double progress() {
			return Double.NaN;
		}

		@Override
		public void cancel() {
		}

		@Override
		public CompletableFuture<Void> result() {
			return new CompletableFuture<>();
		}
	}
}
