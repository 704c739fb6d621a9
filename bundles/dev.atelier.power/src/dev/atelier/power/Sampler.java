package dev.atelier.power;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reads every device of its sources every period (default 250 ms, at least 10 ms) into two histories per
 * device: every sample for {@code fullRateMillis} (default 10 min) and one a second for 24 h. A device that
 * fails is reported once and skipped from then on; the others go on. Measured sections integrate a device's
 * energy between their start and end.
 */
public final class Sampler implements AutoCloseable {

	public static final long DEFAULT_PERIOD_MILLIS = 250;
	private static final long DAY_MILLIS = 24 * 3600 * 1000L;
	private static final System.Logger LOG = System.getLogger(Sampler.class.getName());

	private final long periodMillis;
	private final long fullRateMillis;
	private final LongSupplier clock;
	private final Map<String, SampleRing> recent = new ConcurrentHashMap<>();
	private final Map<String, SampleRing> daily = new ConcurrentHashMap<>();
	private final Map<String, TelemetrySource> owner = new ConcurrentHashMap<>();
	private final Map<String, String> lost = new ConcurrentHashMap<>();
	private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();
	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "atelier-power-sampler");
		t.setDaemon(true);
		return t;
	});
	private ScheduledFuture<?> task;

	public Sampler(List<TelemetrySource> sources, long periodMillis, long fullRateMillis) {
		this(sources, periodMillis, fullRateMillis, System::currentTimeMillis);
	}

	/** With the clock the sources stamp their samples with (tests pass their own). */
	public Sampler(List<TelemetrySource> sources, long periodMillis, long fullRateMillis, LongSupplier clock) {
		if (periodMillis < 10) {
			throw new IllegalArgumentException("the sampling period must be at least 10 ms, not " + periodMillis);
		}
		this.periodMillis = periodMillis;
		this.fullRateMillis = fullRateMillis;
		this.clock = clock;
		sources.forEach(this::add);
	}

	/** Samples a source's devices from now on too (a device already sampled keeps its first source). */
	public void add(TelemetrySource source) {
		for (String id : source.deviceIds()) {
			recent.computeIfAbsent(id, d -> new SampleRing((int) Math.max(2, fullRateMillis / periodMillis)));
			daily.computeIfAbsent(id, d -> new SampleRing((int) (DAY_MILLIS / 1000)));
			owner.putIfAbsent(id, source);
		}
	}

	public synchronized Sampler start() {
		if (task == null) {
			task = timer.scheduleAtFixedRate(this::sampleAll, 0, periodMillis, TimeUnit.MILLISECONDS);
		}
		return this;
	}

	/** Every new sample, on the sampler's thread. */
	public void addListener(Consumer<Sample> listener) {
		listeners.add(listener);
	}

	public List<String> deviceIds() {
		return List.copyOf(owner.keySet());
	}

	/** Why a device stopped being sampled, per device id. */
	public Map<String, String> lost() {
		return Map.copyOf(lost);
	}

	/** Takes one sample of every device now (the timer does this every period). */
	public void sampleAll() {
		for (Map.Entry<String, TelemetrySource> e : owner.entrySet()) {
			String id = e.getKey();
			if (lost.containsKey(id)) {
				continue;
			}
			try {
				record(e.getValue().sample(id));
			} catch (RuntimeException ex) {
				lost.put(id, String.valueOf(ex.getMessage()));
				LOG.log(Level.WARNING, "stopped sampling " + id + ": " + ex.getMessage() + "; the other devices go on");
			}
		}
	}

	private void record(Sample s) {
		recent.get(s.deviceId()).add(s);
		SampleRing day = daily.get(s.deviceId());
		Sample last = day.last();
		if (last == null || s.epochMillis() - last.epochMillis() >= 1000) {
			day.add(s);
		}
		listeners.forEach(l -> l.accept(s));
	}

	/** A device's samples in [from, to], at full rate where still held, else one a second. */
	public List<Sample> history(String deviceId, long fromMillis, long toMillis) {
		SampleRing full = recent.get(deviceId);
		if (full == null) {
			throw new IllegalArgumentException("no sampled device '" + deviceId + "'; sampled: " + deviceIds());
		}
		List<Sample> fine = full.between(fromMillis, toMillis);
		long fineFrom = fine.isEmpty() ? Long.MAX_VALUE : fine.get(0).epochMillis();
		List<Sample> out = new ArrayList<>(daily.get(deviceId).between(fromMillis, Math.min(toMillis, fineFrom - 1)));
		out.addAll(fine);
		return out;
	}

	/** Starts a measured section: {@link Section#close()} returns the energy of each device over it. */
	public Section measure() {
		sampleAll();
		return new Section(clock.getAsLong());
	}

	public final class Section {
		private final long start;

		Section(long start) {
			this.start = start;
		}

		/** Energy per device from the section's start to now (the sampler takes a last sample first). */
		public Map<String, Energy> close() {
			sampleAll();
			long end = clock.getAsLong();
			Map<String, Energy> energy = new ConcurrentHashMap<>();
			for (String id : deviceIds()) {
				List<Sample> samples = history(id, start - periodMillis, end + periodMillis);
				long from = samples.isEmpty() ? 0 : Math.max(start, samples.get(0).epochMillis());
				long to = samples.isEmpty() ? 0 : Math.min(end, samples.get(samples.size() - 1).epochMillis());
				if (to > from) {
					energy.put(id, Energy.over(samples, from, to));
				}
			}
			return energy;
		}
	}

	@Override
	public synchronized void close() {
		timer.shutdownNow();
	}
}
