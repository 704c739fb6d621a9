package dev.atelier.server.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Usage;
import dev.atelier.server.ApiException;
import dev.atelier.server.Jobs;
import dev.atelier.server.Limits;

/**
 * The models the server has opened, by name. Each request is a job of the job service (so the Jobs view and the job
 * records show it, with the energy it took) on its model's own runner: up to {@link Limits#parallel()} answers at a
 * time, which the model decodes together (continuous batching), the others QUEUED in order, up to the limit, then
 * 429. A model stays loaded for its last request's keep-alive as Ollama's {@code keep_alive} means it (0 unloads once
 * no other answer of it runs, a negative one keeps it), and is unloaded earlier only when the device service evicts
 * its lease for another workload.
 */
final class Models implements AutoCloseable {

	/** Ollama's default keep-alive. */
	static final Duration DEFAULT_KEEP_ALIVE = LlmService.DEFAULT_KEEP_ALIVE;

	private final LlmService llm;
	private final JobService jobs;
	private final ModelFolder folder;
	private final Serving serving;
	private final Map<String, Open> open = new ConcurrentHashMap<>();
	private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "atelier serve keep-alive");
		t.setDaemon(true);
		return t;
	});

	/** One opened model: its lease lives until the device service needs the memory; the server's clock unloads it. */
	static final class Open {
		final ModelFolder.Entry entry;
		final LocalModel model;
		/** Runs the model's requests (and its unloading), as many at a time as it decodes together, in order. */
		final ExecutorService runner;
		final AtomicInteger waiting = new AtomicInteger();
		/** Requests running now; guarded by this: the model is unloaded only when none is. */
		private int running;
		private ScheduledFuture<?> expiry;
		/** Null: stays until its memory is needed. */
		private volatile Instant expiresAt;

		Open(ModelFolder.Entry entry, LocalModel model, int parallel) {
			this.entry = entry;
			this.model = model;
			this.runner = Executors.newFixedThreadPool(parallel, Thread.ofVirtual().name("atelier-serve-" + entry.name()).factory());
		}

		boolean loaded() {
			return model.status().state() == LocalModel.State.LOADED;
		}

		Optional<Instant> expiresAt() {
			return Optional.ofNullable(expiresAt);
		}
	}

	/** What one answer took. */
	record Answer(Usage usage, long loadNanos, long totalNanos) {
	}

	/** The work of one request on a loaded model, which ends early once {@code stop} says so. */
	interface Work {
		Usage run(LocalModel model, BooleanSupplier stop) throws ChatException;
	}

	/**
	 * How models are served: on {@code deviceId} ({@code auto} or an id the device service lists) with a context of
	 * {@code context} tokens, within {@code limits}.
	 */
	record Serving(String deviceId, int context, Limits limits) {
	}

	Models(LlmService llm, JobService jobs, ModelFolder folder, Serving serving) {
		this.llm = llm;
		this.jobs = jobs;
		this.folder = folder;
		this.serving = serving;
	}

	Limits limits() {
		return serving.limits();
	}

	ModelFolder folder() {
		return folder;
	}

	/** The tokens of an answer whose request names none: half the context, within the limit. */
	int defaultMaxTokens() {
		return Math.min(serving.limits().maxTokens(), serving.context() / 2);
	}

	/** The models loaded now, by name. */
	List<Open> loaded() {
		return open.values().stream().filter(Open::loaded).sorted(java.util.Comparator.comparing(o -> o.entry.name())).toList();
	}

	/**
	 * Runs {@code work} on the named model as the job {@code serve KIND NAME} when its turn comes, loading the model
	 * first (timed apart from the answer), then keeps it loaded for {@code keepAlive}. {@code work} null only loads it
	 * (Ollama's request without a prompt), or with a keep-alive of 0 only unloads it. {@code cancelled} (the client went away) cancels the job, queued or running.
	 */
	Answer run(ModelFolder.Entry entry, String kind, Duration keepAlive, Work work, BooleanSupplier cancelled) throws ApiException {
		int parallel = serving.limits().parallel();
		Open model = open.computeIfAbsent(entry.name(),
				n -> new Open(entry, llm.model(entry.file(), null, serving.deviceId(), serving.context(), parallel, null), parallel));
		int queue = serving.limits().queue();
		if (model.waiting.incrementAndGet() > queue + parallel) {
			model.waiting.decrementAndGet();
			throw new ApiException(429, entry.name() + " has " + queue + " requests waiting already (--queue); try again later");
		}
		JobHandle<Answer> job = jobs.submit("serve " + kind + " " + entry.name(), ctx -> answer(ctx, model, keepAlive, work), model.runner);
		job.result().whenComplete((answer, failure) -> model.waiting.decrementAndGet());
		return Jobs.await(job, cancelled);
	}

	private Answer answer(JobContext ctx, Open model, Duration keepAlive, Work work) throws Exception {
		ctx.detail("model", model.entry.file().toString());
		synchronized (model) {
			model.running++;
			if (model.expiry != null) {
				model.expiry.cancel(false);
			}
		}
		try {
			long start = System.nanoTime();
			ctx.begin("loading " + model.entry.name(), -1);
			boolean unloadOnly = work == null && keepAlive != null && keepAlive.isZero();
			if (!unloadOnly) {
				load(model, ctx);
			}
			ctx.detail(JobHandle.DEVICE, model.model.status().deviceId());
			long loaded = System.nanoTime();
			ctx.begin("answering", -1);
			Usage usage = work == null ? new Usage(0, 0, Double.NaN, Double.NaN) : work.run(model.model, ctx::isCancelled);
			ctx.checkCancelled();
			return new Answer(usage, loaded - start, System.nanoTime() - start);
		} catch (ChatException e) {
			throw new ApiException(400, e.getMessage());
		} finally {
			keep(model, keepAlive);
		}
	}

	/** Loads the model where needed, as the model's own load job, which this job's cancellation cancels. */
	private static void load(Open model, JobContext ctx) throws ApiException, InterruptedException {
		Optional<JobHandle<?>> job = model.model.load();
		if (job.isEmpty()) {
			return;
		}
		try {
			Jobs.await(job.get(), ctx::isCancelled);
		} catch (ApiException e) {
			throw new ApiException(e.status(), "loading " + model.entry.name() + ": " + e.getMessage());
		}
	}

	/**
	 * The keep-alive from now on: 0 unloads now (or when the last answer running beside ends), negative (or null)
	 * keeps the model until its memory is needed.
	 */
	private void keep(Open model, Duration keepAlive) {
		synchronized (model) {
			model.running--;
			if (keepAlive != null && keepAlive.isZero()) {
				model.expiresAt = Instant.now();
				unloadIfExpired(model);
			} else if (keepAlive == null || keepAlive.isNegative()) {
				model.expiresAt = null;
			} else {
				model.expiresAt = Instant.now().plus(keepAlive);
				model.expiry = timers.schedule(() -> model.runner.execute(() -> unloadIfExpired(model)), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * On the model's runner, after whatever requests came first: those set a later expiry, or none; one still running
	 * unloads it as it ends.
	 */
	private static void unloadIfExpired(Open model) {
		synchronized (model) {
			Instant at = model.expiresAt;
			if (model.running == 0 && at != null && !Instant.now().isBefore(at)) {
				model.model.close();
			}
		}
	}

	@Override
	public void close() {
		timers.shutdownNow();
		open.values().forEach(o -> {
			o.runner.shutdownNow();
			o.model.close();
		});
	}
}
