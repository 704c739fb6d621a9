package dev.atelier.power;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Thresholds with hysteresis, so that a value hovering at a threshold raises one alert, not a storm: temperature
 * raises at {@code tempRaise} and clears below {@code tempClear}; power raises at {@code powerRaise} of the
 * enforced limit and clears below {@code powerClear}; throttling raises when a power or thermal clock event
 * reason is active and clears after {@code throttleClearSamples} samples without one.
 */
public final class AlertRules {

	private final double tempRaise;
	private final double tempClear;
	private final double powerRaise;
	private final double powerClear;
	private final int throttleClearSamples;
	private final Map<String, Set<Alert.Kind>> active = new HashMap<>();
	private final Map<String, Integer> calm = new HashMap<>();

	public AlertRules(double tempRaise, double tempClear, double powerRaise, double powerClear, int throttleClearSamples) {
		if (tempClear >= tempRaise || powerClear >= powerRaise) {
			throw new IllegalArgumentException("a clear level must be below its raise level");
		}
		this.tempRaise = tempRaise;
		this.tempClear = tempClear;
		this.powerRaise = powerRaise;
		this.powerClear = powerClear;
		this.throttleClearSamples = throttleClearSamples;
	}

	/** 83 °C / 78 °C, 95 % / 90 % of the power limit, 4 calm samples. */
	public static AlertRules defaults() {
		return new AlertRules(83, 78, 0.95, 0.90, 4);
	}

	/** The alerts this sample raises or clears. */
	public synchronized List<Alert> evaluate(Sample s) {
		Set<Alert.Kind> on = active.computeIfAbsent(s.deviceId(), k -> EnumSet.noneOf(Alert.Kind.class));
		List<Alert> out = new ArrayList<>();
		s.get(Metric.TEMPERATURE_GPU).ifPresent(t -> level(s, on, out, Alert.Kind.TEMPERATURE, t >= tempRaise, t < tempClear,
				String.format(Locale.ROOT, "%s at %.0f °C (alert at %.0f °C)", s.deviceId(), t, tempRaise),
				String.format(Locale.ROOT, "%s back to %.0f °C", s.deviceId(), t)));
		var limit = s.get(Metric.ENFORCED_POWER_LIMIT).isPresent() ? s.get(Metric.ENFORCED_POWER_LIMIT) : s.get(Metric.POWER_LIMIT);
		if (limit.isPresent() && limit.getAsDouble() > 0 && s.get(Metric.POWER_DRAW).isPresent()) {
			double ratio = s.get(Metric.POWER_DRAW).getAsDouble() / limit.getAsDouble();
			level(s, on, out, Alert.Kind.POWER_NEAR_LIMIT, ratio >= powerRaise, ratio < powerClear,
					String.format(Locale.ROOT, "%s draws %.0f W, %.0f %% of its %.0f W limit", s.deviceId(), s.get(Metric.POWER_DRAW).getAsDouble(),
							ratio * 100, limit.getAsDouble()),
					String.format(Locale.ROOT, "%s power back to %.0f %% of its limit", s.deviceId(), ratio * 100));
		}
		s.get(Metric.CLOCKS_EVENT_REASONS).ifPresent(mask -> {
			List<ThrottleReason> limiting = ThrottleReason.decode((long) mask).stream().filter(ThrottleReason::limitsPerformance).toList();
			int quiet = limiting.isEmpty() ? calm.merge(s.deviceId(), 1, Integer::sum) : 0;
			if (!limiting.isEmpty()) {
				calm.put(s.deviceId(), 0);
			}
			level(s, on, out, Alert.Kind.THROTTLING, !limiting.isEmpty(), quiet >= throttleClearSamples,
					s.deviceId() + " is throttled: " + limiting, s.deviceId() + " runs at full clocks again");
		});
		return out;
	}

	private static void level(Sample s, Set<Alert.Kind> on, List<Alert> out, Alert.Kind kind, boolean raise, boolean clear, String raised,
			String cleared) {
		if (!on.contains(kind) && raise) {
			on.add(kind);
			out.add(new Alert(s.deviceId(), kind, true, raised, s.epochMillis()));
		} else if (on.contains(kind) && clear) {
			on.remove(kind);
			out.add(new Alert(s.deviceId(), kind, false, cleared, s.epochMillis()));
		}
	}
}
