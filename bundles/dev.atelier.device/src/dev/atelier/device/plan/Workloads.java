package dev.atelier.device.plan;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses workload specs with the installed {@link WorkloadEstimator}s, and the numbers with units that their
 * specs share ({@code 30M}, {@code 4GB}). Errors name the spec and what was expected.
 */
public final class Workloads {

	private Workloads() {
	}

	/**
	 * The workload of a spec, from the first estimator that knows its kind.
	 *
	 * @throws IllegalArgumentException naming the spec: what is wrong with it, or the kinds the estimators know
	 */
	public static Workload parse(String spec, Collection<WorkloadEstimator> estimators) {
		String s = spec.strip().toLowerCase(Locale.ROOT);
		List<WorkloadEstimator> sorted = estimators.stream().sorted(Comparator.comparing(WorkloadEstimator::kind)).toList();
		for (WorkloadEstimator estimator : sorted) {
			Optional<Workload> workload;
			try {
				workload = estimator.parse(s);
			} catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("workload '" + spec + "': " + e.getMessage(), e);
			}
			if (workload.isPresent()) {
				return workload.get();
			}
		}
		if (sorted.isEmpty()) {
			throw new IllegalArgumentException("workload '" + spec + "' is not a spec: no workload estimator is installed");
		}
		throw new IllegalArgumentException("workload '" + spec + "' is not a spec of a known kind ("
				+ String.join(", ", sorted.stream().map(WorkloadEstimator::kind).toList()) + "); expected e.g. "
				+ String.join(", ", sorted.stream().flatMap(e -> e.examples().stream()).toList()));
	}

	/** Bytes in binary gigabytes with two decimals ("5.75 GiB"), as the planner and every view that shows memory say them. */
	public static String gib(double bytes) {
		return String.format(Locale.ROOT, "%.2f GiB", bytes / (1L << 30));
	}

	/** 30M, 4k, 1.5G or a plain number (lower case). */
	public static long count(String text) {
		return Math.round(scaled(text, 1000));
	}

	/** 4gb, 512mb, 2gib (decimal and binary units, lower case) or plain bytes. */
	public static long bytes(String text) {
		String t = text.replace("ib", "").replace("b", "");
		double base = text.contains("ib") ? 1024 : 1000;
		return Math.round(scaled(t, base));
	}

	private static double scaled(String text, double base) {
		char unit = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
		int power = switch (unit) {
		case 'k' -> 1;
		case 'm' -> 2;
		case 'g' -> 3;
		case 't' -> 4;
		default -> 0;
		};
		String number = power == 0 ? text : text.substring(0, text.length() - 1);
		try {
			return Double.parseDouble(number) * Math.pow(base, power);
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("'" + text + "' is not a number with an optional k, M, G or T");
		}
	}
}
