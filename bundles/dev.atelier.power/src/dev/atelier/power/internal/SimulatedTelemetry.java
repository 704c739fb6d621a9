package dev.atelier.power.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import dev.atelier.device.Device;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;
import dev.atelier.power.ThrottleReason;

/**
 * Synthetic telemetry of the simulated cards (ids {@code sim:<profile>}, as the device service names them): the
 * load follows the work on the card (what {@code work} says: 1 while a lease on it is in use, 0 when idle) with a lag
 * of about {@value #LOAD_LAG_S} s; power lies between the card's idle draw and its limit by that load, temperature
 * and clocks follow it, and the energy counter is the trapezoid integral of the power sampled. An idle card draws its
 * idle power and reports no throttling but idle.
 */
public final class SimulatedTelemetry implements TelemetrySource {

	/**
	 * Name, idle and limit watts, max SM and memory clocks (MHz), total memory (MiB), and whether the memory is HBM,
	 * whose temperature NVML reports (GDDR cards answer NOT_SUPPORTED).
	 */
	record Card(String name, double idleWatts, double limitWatts, double smClock, double memClock, double memoryMiB, boolean hbm) {
	}

	static final Map<String, Card> CARDS = new TreeMap<>(Map.of(
			"rtx4090", new Card("NVIDIA GeForce RTX 4090 (simulated)", 25, 450, 2520, 10501, 24564, false),
			"rtx3090", new Card("NVIDIA GeForce RTX 3090 (simulated)", 30, 350, 1695, 9751, 24576, false),
			"a6000", new Card("NVIDIA RTX A6000 (simulated)", 25, 300, 1800, 8001, 49140, false),
			"h100", new Card("NVIDIA H100 80GB HBM3 (simulated)", 70, 700, 1980, 2619, 81559, true)));

	private static final String LOST_AFTER = ":lost-after=";

	static final double LOAD_LAG_S = 1.5;
	private static final double HEAT_LAG_S = 20;

	private final String profile;
	private final Card card;
	private final LongSupplier clock;
	private final DoubleSupplier work;
	private final long lostAfter;
	private final AtomicLong samples = new AtomicLong();
	/** Load, temperature and energy as of the last sample (guarded by this). */
	private long lastMillis = -1;
	private double load;
	private double temperature = IDLE_CELSIUS;
	private double joules;
	private static final double IDLE_CELSIUS = 35;

	/** A card with no work on it: idle. */
	public SimulatedTelemetry(String profile, LongSupplier epochMillis) {
		this(profile, epochMillis, () -> 0, Long.MAX_VALUE);
	}

	/** A card whose load follows {@code work}: the share of the card in use now, 0..1. */
	public SimulatedTelemetry(String profile, LongSupplier epochMillis, DoubleSupplier work) {
		this(profile, epochMillis, work, Long.MAX_VALUE);
	}

	private SimulatedTelemetry(String profile, LongSupplier epochMillis, DoubleSupplier work, long lostAfter) {
		this.card = CARDS.get(profile);
		if (card == null) {
			throw new IllegalArgumentException("unknown simulation profile '" + profile + "'; known: " + String.join(", ", CARDS.keySet()));
		}
		this.profile = profile;
		this.clock = epochMillis;
		this.work = work;
		this.lostAfter = lostAfter;
	}

	/**
	 * A profile, or {@code PROFILE:lost-after=N} for a card that answers N samples and is then lost, as a GPU that
	 * falls off the bus is (to rehearse that failure without one).
	 */
	public static SimulatedTelemetry of(String spec, LongSupplier epochMillis) {
		int at = spec.indexOf(LOST_AFTER);
		if (at < 0) {
			return new SimulatedTelemetry(spec, epochMillis);
		}
		String n = spec.substring(at + LOST_AFTER.length());
		try {
			long after = Long.parseLong(n);
			if (after >= 0) {
				return new SimulatedTelemetry(spec.substring(0, at), epochMillis, () -> 0, after);
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("lost-after in '" + spec + "' must be a whole number of samples, not '" + n + "'");
	}

	@Override
	public boolean simulated() {
		return true;
	}

	@Override
	public List<String> deviceIds() {
		return List.of(Device.SIMULATED_PREFIX + profile);
	}

	double watts(double atLoad) {
		return card.idleWatts() + (card.limitWatts() - card.idleWatts()) * atLoad;
	}

	/** Moves load, temperature and the energy counter on to {@code now}. */
	private void advance(long now) {
		if (lastMillis < 0 || now <= lastMillis) {
			lastMillis = Math.max(lastMillis, now);
			return;
		}
		double dt = (now - lastMillis) / 1000.0;
		double target = Math.max(0, Math.min(1, work.getAsDouble()));
		double before = watts(load);
		load += (target - load) * (1 - Math.exp(-dt / LOAD_LAG_S));
		joules += (before + watts(load)) / 2 * dt;
		temperature += (IDLE_CELSIUS + 45 * load - temperature) * (1 - Math.exp(-dt / HEAT_LAG_S));
		lastMillis = now;
	}

	@Override
	public synchronized Sample sample(String deviceId) {
		if (!deviceIds().contains(deviceId)) {
			throw new TelemetryException("no simulated device " + deviceId);
		}
		if (samples.incrementAndGet() > lostAfter) {
			throw new TelemetryException(deviceId + " is lost (simulated after " + lostAfter + " samples): it fell off the bus or was reset");
		}
		long now = clock.getAsLong();
		advance(now);
		Map<Metric, Double> v = new EnumMap<>(Metric.class);
		v.put(Metric.POWER_DRAW, watts(load));
		v.put(Metric.POWER_LIMIT, card.limitWatts());
		v.put(Metric.ENFORCED_POWER_LIMIT, card.limitWatts());
		v.put(Metric.TOTAL_ENERGY, joules);
		v.put(Metric.TEMPERATURE_GPU, (double) Math.round(temperature));
		if (card.hbm()) {
			v.put(Metric.TEMPERATURE_MEMORY, (double) Math.round(temperature + 3 * load));
		}
		v.put(Metric.FAN_SPEED, (double) Math.round(30 + 50 * (temperature - IDLE_CELSIUS) / 45));
		v.put(Metric.CLOCKS_SM, (double) Math.round(210 + (card.smClock() - 210) * Math.min(1, load * 3)));
		v.put(Metric.CLOCKS_GR, v.get(Metric.CLOCKS_SM));
		v.put(Metric.CLOCKS_MEM, load > 0.02 ? card.memClock() : 405.0);
		v.put(Metric.CLOCKS_MAX_SM, card.smClock());
		v.put(Metric.CLOCKS_MAX_GR, card.smClock());
		v.put(Metric.CLOCKS_MAX_MEM, card.memClock());
		v.put(Metric.UTILIZATION_GPU, (double) Math.round(100 * load));
		v.put(Metric.UTILIZATION_MEMORY, (double) Math.round(60 * load));
		v.put(Metric.MEMORY_USED, (double) Math.round(300 + card.memoryMiB() * 0.5 * load));
		v.put(Metric.MEMORY_TOTAL, card.memoryMiB());
		v.put(Metric.PSTATE, load > 0.02 ? 0.0 : 8.0);
		// a card held at full work for a while meets its power cap; an idle one only reports being idle
		long reasons = load > 0.98 ? ThrottleReason.SW_POWER_CAP.bit() : load < 0.02 ? ThrottleReason.GPU_IDLE.bit() : 0;
		v.put(Metric.CLOCKS_EVENT_REASONS, (double) reasons);
		v.put(Metric.PCIE_LINK_GEN, 4.0);
		v.put(Metric.PCIE_LINK_WIDTH, 16.0);
		v.put(Metric.PCIE_RX_THROUGHPUT, Math.round(load * 12_000 * 10) / 10.0);
		v.put(Metric.PCIE_TX_THROUGHPUT, Math.round(load * 6_000 * 10) / 10.0);
		return new Sample(deviceId, card.name(), now, v);
	}
}
