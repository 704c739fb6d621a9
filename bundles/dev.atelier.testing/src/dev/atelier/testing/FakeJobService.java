package dev.atelier.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import dev.atelier.core.jobs.Job;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;

/**
 * A {@link JobService} for unit tests without the framework: each job runs on the executor given (by default a
 * virtual thread of its own) with a {@link RecordingJobContext}; listeners hear of every change of state. A test can
 * also move jobs of its own making through their states with {@link #announce}.
 */
public final class FakeJobService implements JobService {

	private final AtomicLong ids = new AtomicLong();
	private final List<JobListener> listeners = new CopyOnWriteArrayList<>();
	private final List<Handle<?>> submitted = new CopyOnWriteArrayList<>();

	/** A submitted job: its handle, with the context it reports to. */
	public final class Handle<T> implements JobHandle<T> {
		private final long id;
		private final String name;
		private final RecordingJobContext context = new RecordingJobContext();
		private final CompletableFuture<T> result = new CompletableFuture<>();
		private volatile JobState state = JobState.QUEUED;

		Handle(long id, String name) {
			this.id = id;
			this.name = name;
		}

		public RecordingJobContext context() {
			return context;
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
			if (state == JobState.QUEUED) {
				finish(JobState.CANCELLED);
				result.completeExceptionally(new JobCancelledException());
			}
		}

		@Override
		public CompletableFuture<T> result() {
			return result;
		}

		void run(Job<T> job) {
			if (state != JobState.QUEUED) {
				return;
			}
			move(JobState.RUNNING);
			try {
				T value = job.run(context);
				finish(JobState.SUCCEEDED);
				result.complete(value);
			} catch (JobCancelledException e) {
				finish(JobState.CANCELLED);
				result.completeExceptionally(e);
			} catch (Throwable e) {
				finish(JobState.FAILED);
				result.completeExceptionally(e);
			}
		}

		private void move(JobState next) {
			state = next;
			announce(this);
		}

		private void finish(JobState end) {
			move(end);
			submitted.remove(this);
		}
	}

	@Override
	public <T> JobHandle<T> submit(String name, Job<T> job, Executor executor) {
		Handle<T> handle = new Handle<>(ids.incrementAndGet(), name);
		submitted.add(handle);
		announce(handle);
		executor.execute(() -> handle.run(job));
		return handle;
	}

	@Override
	public List<JobHandle<?>> active() {
		return new ArrayList<>(submitted);
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
		return new JobHandle<>() {
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
				return "";
			}

			@Override
			public double progress() {
				return Double.NaN;
			}

			@Override
			public Map<String, String> details() {
				return details;
			}

			@Override
			public List<String> outputs() {
				return outputs;
			}

			@Override
			public void cancel() {
			}

			@Override
			public CompletableFuture<Void> result() {
				return new CompletableFuture<>();
			}
		};
	}
}
