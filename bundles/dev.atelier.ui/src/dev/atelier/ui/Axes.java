package dev.atelier.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.swt.graphics.RGB;

/**
 * The axes of the charts views draw themselves: round tick values (1, 2 or 5 times a power of ten), time ticks on
 * whole seconds, minutes or hours with their labels, and colours mixed from the theme's foreground and background so
 * that a chart reads in the light and the dark theme.
 */
public final class Axes {

	/** Time steps a time axis is ticked at, in milliseconds: whole seconds, minutes and hours. */
	private static final long[] TIME_STEPS = { 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
			1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000 };
	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
	private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

	private Axes() {
	}

	/** The round step that puts at most {@code maxTicks} ticks on [lo, hi]. */
	public static double step(double lo, double hi, int maxTicks) {
		double span = Math.max(hi - lo, 1e-12);
		double raw = span / Math.max(1, maxTicks - 1);
		double power = Math.pow(10, Math.floor(Math.log10(raw)));
		for (double m : new double[] { 1, 2, 5, 10 }) {
			if (m * power >= raw) {
				return m * power;
			}
		}
		return 10 * power;
	}

	/** The tick values inside [lo, hi] at {@link #step}'s step, lowest first. */
	public static List<Double> ticks(double lo, double hi, int maxTicks) {
		double step = step(lo, hi, maxTicks);
		List<Double> ticks = new ArrayList<>();
		for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
			// 0.1 + 0.2: snap to the step so that labels are exact
			ticks.add(Math.round(v / step) * step);
		}
		return ticks;
	}

	/** A tick's label, with the decimals its step needs. */
	public static String label(double value, double step) {
		int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
		return String.format(Locale.ROOT, "%." + decimals + "f", value == 0 ? 0.0 : value);
	}

	/** The time step that puts at most {@code maxTicks} ticks on [from, to] (epoch milliseconds). */
	public static long timeStep(long from, long to, int maxTicks) {
		long span = Math.max(1, to - from);
		for (long step : TIME_STEPS) {
			if (span / step < maxTicks) {
				return step;
			}
		}
		return TIME_STEPS[TIME_STEPS.length - 1];
	}

	/** The whole-step instants inside [from, to], in the local time zone's whole minutes and hours. */
	public static List<Long> timeTicks(long from, long to, int maxTicks) {
		long step = timeStep(from, to, maxTicks);
		long offset = ZoneId.systemDefault().getRules().getOffset(Instant.ofEpochMilli(from)).getTotalSeconds() * 1000L;
		List<Long> ticks = new ArrayList<>();
		for (long t = Math.floorDiv(from + offset + step - 1, step) * step - offset; t <= to; t += step) {
			ticks.add(t);
		}
		return ticks;
	}

	/** A time tick's label: HH:mm:ss for steps under a minute, HH:mm otherwise. */
	public static String timeLabel(long epochMillis, long step) {
		return (step < 60_000 ? SECONDS : MINUTES).format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
	}

	/** {@code a} mixed into {@code b}: 0 is {@code b}, 1 is {@code a}; a grid is the foreground faintly over the background. */
	public static RGB mix(RGB a, RGB b, double amount) {
		return new RGB((int) Math.round(b.red + (a.red - b.red) * amount), (int) Math.round(b.green + (a.green - b.green) * amount),
				(int) Math.round(b.blue + (a.blue - b.blue) * amount));
	}
}
