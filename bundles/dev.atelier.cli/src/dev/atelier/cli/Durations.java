package dev.atelier.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as options give them: a number with a unit, {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m},
 * {@code 1h}, or a bare number in the option's own unit (seconds unless the option says otherwise).
 */
public final class Durations {

	private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ms|s|m|h)?");

	private Durations() {
	}

	/** The duration of {@code text}; a bare number counts in {@code bareUnit}. */
	public static Duration parse(String text, ChronoUnit bareUnit) {
		Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
		if (!m.matches()) {
			throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 2s or 1m");
		}
		ChronoUnit unit = m.group(2) == null ? bareUnit : switch (m.group(2)) {
		case "ms" -> ChronoUnit.MILLIS;
		case "s" -> ChronoUnit.SECONDS;
		case "m" -> ChronoUnit.MINUTES;
		default -> ChronoUnit.HOURS;
		};
		BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit.getDuration().toNanos()));
		if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) { // longValue() would wrap round to a wrong duration
			throw new IllegalArgumentException("'" + text + "' is longer than " + Long.MAX_VALUE / 3_600_000_000_000L + " hours");
		}
		return Duration.ofNanos(nanos.longValue());
	}

	/** The duration of {@code text}, a bare number in seconds. */
	public static Duration parse(String text) {
		return parse(text, ChronoUnit.SECONDS);
	}

	/** The shortest of {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, as these parse it back. */
	public static String format(Duration d) {
		long ms = d.toMillis();
		if (ms % 60_000 == 0 && ms > 0) {
			return ms / 60_000 + "m";
		}
		if (ms % 1000 == 0 && ms > 0) {
			return ms / 1000 + "s";
		}
		return ms + "ms";
	}
}
