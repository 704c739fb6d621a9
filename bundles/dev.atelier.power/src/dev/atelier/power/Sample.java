package dev.atelier.power;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One reading of one device at one instant. A metric the device does not support is simply absent:
 * unavailable, never an error.
 */
public record Sample(String deviceId, String deviceName, long epochMillis, Map<Metric, Double> values) {

	public Sample {
		values = Collections.unmodifiableMap(values.isEmpty() ? new EnumMap<>(Metric.class) : new EnumMap<>(values));
	}

	public OptionalDouble get(Metric metric) {
		Double v = values.get(metric);
		return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
	}
}
