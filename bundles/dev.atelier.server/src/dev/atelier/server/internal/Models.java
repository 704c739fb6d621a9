package dev.atelier.server.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Usage;
import dev.atelier.server.ApiException;

/**
 * The models the server has opened, by name: each answers one request at a time (the others wait in its queue, up to
 * the limit, then get 429), stays loaded for its last request's keep-alive as Ollama's {@code keep_alive} means it (0
 * unloads at once, a negative one keeps it), and is unloaded earlier only when the device service evicts its lease for
 * another workload.
 */
final class Models implements AutoCloseable {

	/** Ollama's default keep-alive. */
	static final Duration DEFAULT_KEEP_ALIVE = LlmService.DEFAULT_KEEP_ALIVE;

	private final LlmService llm;
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
		final ReentrantLock turn = new ReentrantLock(true);
		final AtomicInteger waiting = new AtomicInteger();
		private ScheduledFuture<?> expiry;
		/** Null: stays until its memory is needed. */
		private volatile Instant expiresAt;

		Open(ModelFolder.Entry entry, LocalModel model) {
			this.entry = entry;
			this.model = model;
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

	/** The work of one request on a loaded model. */
	interface Work {
		Usage run(LocalModel model) throws ChatException;
	}

	/**
	 * How models are served: on {@code deviceId} ({@code auto} or an id the device service lists) with a context of
	 * {@code context} tokens, within {@code limits}.
	 */
	record Serving(String deviceId, int context, Limits limits) {
	}

	Models(LlmService llm, ModelFolder folder, Serving serving) {
		this.llm = llm;
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
	 * Runs {@code work} on the named model when its turn comes, loading it first (timed apart from the answer), then
	 * keeps it loaded for {@code keepAlive}. {@code work} null only loads it (Ollama's request without a prompt).
	 */
	Answer run(ModelFolder.Entry entry, Duration keepAlive, Work work, java.util.function.BooleanSupplier cancelled) throws ApiException {
		Open model = open.computeIfAbsent(entry.name(), n -> new Open(entry, llm.model(entry.file(), null, serving.deviceId(), serving.context(), null)));
		int queue = serving.limits().queue();
		if (model.waiting.incrementAndGet() > queue + 1) {
			model.waiting.decrementAndGet();
			throw new ApiException(429, entry.name() + " has " + queue + " requests waiting already (--queue); try again later");
		}
		try {
			model.turn.lockInterruptibly();
		} catch (InterruptedException e) {
			model.waiting.decrementAndGet();
			Thread.currentThread().interrupt();
			throw new ApiException(503, "the server is stopping");
		}
		try {
			synchronized (model) {
				if (model.expiry != null) {
					model.expiry.cancel(false);
				}
			}
			long start = System.nanoTime();
			load(model, cancelled);
			long loaded = System.nanoTime();
			Usage usage = work == null ? new Usage(0, 0, Double.NaN, Double.NaN) : work.run(model.model);
			return new Answer(usage, loaded - start, System.nanoTime() - start);
		} catch (ChatException e) {
			throw new ApiException(400, e.getMessage());
		} catch (JobCancelledException e) {
			throw new ApiException(503, "the request was cancelled");
		} finally {
			keep(model, keepAlive);
			model.turn.unlock();
			model.waiting.decrementAndGet();
		}
	}

	private static void load(Open model, java.util.function.BooleanSupplier cancelled) throws ApiException {
		Optional<JobHandle<?>> job = model.model.load();
		if (job.isEmpty()) {
			return;
		}
		while (true) {
			try {
				job.get().result().get(100, TimeUnit.MILLISECONDS);
				return;
			} catch (java.util.concurrent.TimeoutException e) {
				if (cancelled.getAsBoolean()) {
					job.get().cancel();
				}
			} catch (ExecutionException e) {
				Throwable cause = e.getCause();
				if (cause instanceof JobCancelledException) {
					throw new ApiException(503, "loading " + model.entry.name() + " was cancelled");
				}
				throw new ApiException(500, "could not load " + model.entry.name() + ": " + (cause.getMessage() == null ? cause : cause.getMessage()));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new ApiException(503, "the server is stopping");
			}
		}
	}

	/** The keep-alive from now on: 0 unloads now, negative (or null) keeps the model until its memory is needed. */
	private void keep(Open model, Duration keepAlive) {
		synchronized (model) {
			if (keepAlive != null && keepAlive.isZero()) {
				model.expiresAt = Instant.now();
				model.model.close();
			} else if (keepAlive == null || keepAlive.isNegative()) {
				model.expiresAt = null;
			} else {
				model.expiresAt = Instant.now().plus(keepAlive);
				model.expiry = timers.schedule(() -> unloadIfIdle(model), keepAlive.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
	}

	/** The keep-alive ran out; a request that took its turn meanwhile has cancelled this timer or set a new one. */
	private static void unloadIfIdle(Open model) {
		if (model.turn.tryLock()) {
			try {
				model.model.close();
			} finally {
				model.turn.unlock();
			}
		}
	}

	@Override
	public void close() {
		timers.shutdownNow();
		open.values().forEach(o -> o.model.close());
	}
}
