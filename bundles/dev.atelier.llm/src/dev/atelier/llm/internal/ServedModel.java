package dev.atelier.llm.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.atelier.cli.Durations;
import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.Workloads;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.EmbeddedChat;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufTensor;

/**
 * A GGUF model of {@link LocalModels}: loaded by a job (the header, every weight page read with progress, then the
 * engine placed on its device(s) by {@link Placement}, under one evictable lease per device that the engine sizes and
 * allocates under), unloaded when a lease is evicted, loaded again by the next message.
 */
final class ServedModel implements LocalModel {

	private static final System.Logger LOG = System.getLogger(ServedModel.class.getName());
	/** Reading one byte per page brings the whole mapping in. */
	private static final int PAGE = 4096;
	/** Loads that an eviction undoes before the chat could use them, before the chat gives up. */
	private static final int ATTEMPTS = 3;
	private static final Duration LEASE_TIMEOUT = Duration.ofMinutes(2);

	private final LocalModels service;
	private final Path file;
	/** llama2.c's tokenizer chosen for a checkpoint, or null (beside it). */
	private final Path tokenizer;
	private final String template;
	private final String deviceId;
	private final int context;
	private final int sequences;
	private final String name;
	private final Supplier<Duration> keepAlive;
	private final List<Consumer<Status>> listeners = new CopyOnWriteArrayList<>();
	private final Object lock = new Object();
	/** Guarded by lock. */
	private Slot loaded;
	private JobHandle<Slot> loading;
	private Status status;

	/** {@code keepAlive} gives each load's idle time-to-live (null: until the memory is needed). */
	ServedModel(LocalModels service, Path file, Path tokenizer, String template, String deviceId, int context, int sequences, Supplier<Duration> keepAlive) {
		this.service = service;
		this.file = file;
		this.tokenizer = tokenizer;
		this.template = template;
		this.deviceId = deviceId;
		this.context = context;
		this.sequences = sequences;
		this.keepAlive = keepAlive;
		this.name = file.getFileName().toString();
		this.status = new Status(State.UNLOADED, "", 0, Double.NaN, "not loaded yet");
	}

	/**
	 * One load: the leases the placement took (evictable, with the keep-alive as it was when the load began), and the
	 * engine and chat once built. Closed once, by an eviction, by {@link #close()} or by the load's failure.
	 */
	/** How the chat's note of the format it chose begins. */
	private static final String CHAT_FORMAT = "chat format: ";

	private final class Slot implements Placement.Leasing {
		private final Duration keepAlive;
		private final List<VramLease> leases = new CopyOnWriteArrayList<>();
		/** Open while the load runs, so that no lease is evicted before the model is built. */
		private final List<VramLease.Use> loadUses = new ArrayList<>();
		private EmbeddedModel engine;
		private EmbeddedChat chat;
		/** "; chat format: …", for the loaded status: which format the model's template gave, or the default it fell back to. */
		private String chatFormat = "";
		private boolean closed;

		Slot(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

		@Override
		public LeaseRequest request(LeaseRequest plain) {
			return plain.evictable(this::evicted).withIdleTtl(keepAlive).withTimeout(LEASE_TIMEOUT);
		}

		@Override
		public synchronized void granted(VramLease lease) {
			leases.add(lease);
			loadUses.add(lease.use());
		}

		/** The load is done: the leases may idle (and be evicted) from now on. */
		synchronized void endLoad() {
			loadUses.forEach(VramLease.Use::close);
			loadUses.clear();
		}

		/** Marks every lease busy, or throws {@link IllegalStateException} where one was evicted. */
		List<VramLease.Use> use() {
			List<VramLease.Use> uses = new ArrayList<>();
			try {
				for (VramLease lease : leases) {
					uses.add(lease.use());
				}
			} catch (IllegalStateException e) {
				uses.forEach(VramLease.Use::close);
				throw e;
			}
			return uses;
		}

		String devices() {
			return leases.stream().map(VramLease::deviceId).collect(Collectors.joining("+"));
		}

		long bytes() {
			return leases.stream().mapToLong(VramLease::bytes).sum();
		}

		/**
		 * Closes the engine: its computes, their contexts, then its leases (one being evicted is left to its eviction),
		 * and the file.
		 */
		synchronized void close() {
			if (!closed) {
				closed = true;
				endLoad();
				if (engine != null) {
					engine.close();
				}
			}
		}

		/** The device service takes a lease of the idle model (its keep-alive ran out, or another needs the memory). */
		void evicted(VramLease taken) {
			close();
			boolean current;
			synchronized (lock) {
				current = loaded == this;
				if (current) {
					loaded = null;
				}
			}
			if (current) {
				LOG.log(System.Logger.Level.INFO, "unloaded " + name + " from " + devices() + ": its lease on " + taken.deviceId() + " was evicted");
				publish(new Status(State.UNLOADED, "", 0, Double.NaN,
						"unloaded from " + taken.deviceId() + " (idle past its keep-alive, or the memory was needed); the next message loads it again"));
			}
		}
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public Status status() {
		synchronized (lock) {
			return status;
		}
	}

	@Override
	public void addListener(Consumer<Status> listener) {
		listeners.add(listener);
	}

	@Override
	public void removeListener(Consumer<Status> listener) {
		listeners.remove(listener);
	}

	private void publish(Status next) {
		synchronized (lock) {
			status = next;
		}
		listeners.forEach(l -> l.accept(next));
	}

	@Override
	public Optional<JobHandle<?>> load() {
		synchronized (lock) {
			return loaded != null ? Optional.empty() : Optional.of(loadLocked());
		}
	}

	private JobHandle<Slot> loadLocked() {
		if (loading == null || loading.result().isDone()) {
			service.opened(this);
			loading = service.jobs.submit("Load " + name, this::run);
		}
		return loading;
	}

	/** The load job; a failed load says why in the status before the job ends. */
	private Slot run(JobContext job) throws Exception {
		try {
			return load(job);
		} catch (JobCancelledException e) {
			publish(new Status(State.UNLOADED, "", 0, Double.NaN, "loading stopped"));
			throw e;
		} catch (Exception | Error e) {
			publish(new Status(State.UNLOADED, "", 0, Double.NaN, "could not load " + name + ": " + problem(e)));
			throw e;
		}
	}

	private Slot load(JobContext job) throws Exception {
		job.begin("Reading the header of " + name, -1);
		publish(new Status(State.LOADING, "", 0, Double.NaN, "reading the header of " + name));
		Slot slot = new Slot(keepAlive.get());
		String target = service.devices.resolve(deviceId).id();
		if (!EmbeddedModel.isGguf(file)) {
			// a llama2.c checkpoint (a few MB to a few hundred): read as it is placed
			try {
				slot.engine = EmbeddedModel.open(file, placement(job, slot, target), context, sequences);
			} catch (Throwable e) {
				slot.close();
				throw e;
			}
		} else {
			GgufFile gguf = GgufFile.open(file);
			try {
				GgufLlama.Model model = GgufLlama.load(gguf);
				readWeights(job, gguf, target);
				slot.engine = EmbeddedModel.of(gguf, model, "llm " + name, placement(job, slot, target), context, sequences);
			} catch (Throwable e) {
				// the placement gave back what it took; the load's marks on those leases end with the slot
				slot.close();
				gguf.close();
				throw e;
			}
		}
		try {
			job.detail(JobHandle.DEVICE, slot.devices());
			List<String> format = new ArrayList<>();
			slot.chat = EmbeddedChat.of(slot.engine, file, tokenizer, template, note -> {
				LOG.log(System.Logger.Level.INFO, name + ": " + note);
				if (note.startsWith(CHAT_FORMAT)) {
					format.add(note);
				} else if (!format.isEmpty()) {
					// said after the load: a template that failed and the format used instead, shown where the model's state is
					Status now = status();
					if (now.state() == State.LOADED && !now.message().contains(note)) {
						publish(new Status(now.state(), now.deviceId(), now.bytes(), now.progress(), now.message() + "; " + note));
					}
				}
			});
			slot.chatFormat = format.isEmpty() ? "" : "; " + format.get(0);
			synchronized (lock) {
				// under the lock that close() cancels under: a closed model stays unloaded
				job.checkCancelled();
				loaded = slot;
			}
			slot.endLoad();
		} catch (Throwable e) {
			slot.close();
			throw e;
		}
		Duration ttl = slot.keepAlive;
		publish(new Status(State.LOADED, slot.devices(), slot.bytes(), 1, String.format(Locale.ROOT, "loaded on %s: %s leased; %s", slot.devices(),
				gb(slot.bytes()), ttl == null ? "stays until its memory is needed"
						: ttl.isZero() ? "unloads after each answer" : "unloads after " + Durations.format(ttl) + " idle") + slot.chatFormat));
		return slot;
	}

	/**
	 * Reads every page of the weights, so that placing them and the first answer do not wait for the disk; reports
	 * progress per tensor.
	 */
	private Placement placement(JobContext job, Slot slot, String target) {
		job.begin("Placing " + name + " on " + target, -1);
		publish(new Status(State.LOADING, target, 0, 1, "placing the model on " + target));
		return new Placement(service.devices, service.runtime, deviceId, Placement.AUTO_LAYERS, Runtime.getRuntime().availableProcessors(),
				note -> LOG.log(System.Logger.Level.INFO, name + ": " + note), slot);
	}

	private void readWeights(JobContext job, GgufFile gguf, String target) {
		long total = gguf.tensors().values().stream().mapToLong(t -> t.data().byteSize()).sum();
		job.begin("Reading the weights of " + name + " (" + gb(total) + ")", total);
		long done = 0;
		int shownPercent = -1;
		byte touched = 0;
		for (GgufTensor tensor : gguf.tensors().values()) {
			job.checkCancelled();
			MemorySegment data = tensor.data();
			for (long offset = 0; offset < data.byteSize(); offset += PAGE) {
				touched ^= data.get(ValueLayout.JAVA_BYTE, offset);
			}
			done += data.byteSize();
			job.worked(data.byteSize());
			int percent = (int) (100 * done / Math.max(1, total));
			if (percent != shownPercent) {
				shownPercent = percent;
				publish(new Status(State.LOADING, target, 0, (double) done / Math.max(1, total), "reading the weights: " + percent + " %"));
			}
		}
		sink = touched;
	}

	/** Keeps the page reads from being optimised away. */
	@SuppressWarnings("unused")
	private static volatile byte sink;

	/**
	 * Answers as the embedded chat does, loading the model first where it is not loaded (waiting for the load job,
	 * which the chat's cancellation stops), with the lease busy meanwhile.
	 */
	@Override
	public Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled)
			throws ChatException {
		return answer(chat -> chat.chat(messages, sampling, maxTokens, tokens, cancelled), cancelled);
	}

	/** As {@link #chat chat}, for a text continued without the chat format. */
	@Override
	public Usage complete(String prompt, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) throws ChatException {
		return answer(chat -> chat.complete(prompt, sampling, maxTokens, tokens, cancelled), cancelled);
	}

	/** One answer of the loaded engine. */
	private interface Answer {
		Usage on(EmbeddedChat chat) throws ChatException;
	}

	private Usage answer(Answer answer, BooleanSupplier cancelled) throws ChatException {
		for (int attempt = 1;; attempt++) {
			Slot slot = awaitLoaded(cancelled);
			List<VramLease.Use> uses;
			try {
				uses = slot.use();
			} catch (IllegalStateException evicted) {
				// taken back between the load and this answer: its eviction callback unloads it
				synchronized (lock) {
					if (loaded == slot) {
						loaded = null;
					}
				}
				if (attempt == ATTEMPTS) {
					throw new ChatException(name + " was evicted " + ATTEMPTS + " times before it could answer: memory on " + slot.devices()
							+ " is contended");
				}
				continue;
			}
			try {
				EnergyMeter meter = service.meter();
				EnergyMeter.Measurement measurement = meter == null ? null : meter.start();
				Usage usage = answer.on(slot.chat);
				return measurement == null ? usage : usage.withJoules(measurement.stop().map(EnergyMeter.Reading::joules).orElse(Double.NaN));
			} finally {
				uses.forEach(VramLease.Use::close);
			}
		}
	}

	private Slot awaitLoaded(BooleanSupplier cancelled) throws ChatException {
		JobHandle<Slot> job;
		synchronized (lock) {
			if (loaded != null) {
				return loaded;
			}
			job = loadLocked();
		}
		while (true) {
			try {
				// waits in steps, so that stopping the answer also stops the load
				return job.result().get(100, TimeUnit.MILLISECONDS);
			} catch (TimeoutException e) {
				if (cancelled.getAsBoolean()) {
					job.cancel();
				}
			} catch (ExecutionException e) {
				if (e.getCause() instanceof JobCancelledException stopped) {
					throw stopped;
				}
				throw new ChatException("could not load " + name + ": " + problem(e.getCause()), e.getCause());
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new JobCancelledException();
			}
		}
	}

	@Override
	public void close() {
		Slot slot;
		synchronized (lock) {
			slot = loaded;
			loaded = null;
			if (loading != null) {
				loading.cancel();
			}
		}
		if (slot != null) {
			slot.close();
			publish(new Status(State.UNLOADED, "", 0, Double.NaN, "closed"));
		}
		service.closed(this);
	}

	/** A failure for the user: a missing file is named as such (its exception says only the path). */
	private static String problem(Throwable e) {
		return e instanceof NoSuchFileException missing ? "no such file: " + missing.getFile() : e.getMessage() == null ? e.toString() : e.getMessage();
	}

	private static String gb(long bytes) {
		return Workloads.gib(bytes);
	}
}
