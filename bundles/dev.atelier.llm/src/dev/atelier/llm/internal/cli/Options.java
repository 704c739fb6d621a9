package dev.atelier.llm.internal.cli;

import java.util.List;

/** Option values of the llm and chat commands, refused with the option named. */
final class Options {

	private Options() {
	}

	static String value(List<String> args, int i, String option) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args.get(i);
	}

	static double number(String text, String option) {
		try {
			double v = Double.parseDouble(text);
			if (v >= 0 && Double.isFinite(v)) {
				return v;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException(option + " must be a number of 0 or more, not '" + text + "'");
	}

	static long whole(String text, String option, long min) {
		try {
			long v = Long.parseLong(text);
			if (v >= min) {
				return v;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException(option + " must be a whole number" + (min > Long.MIN_VALUE ? " of " + min + " or more" : "") + ", not '"
				+ text + "'");
	}
}
