package dev.atelier.device.plan;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses workload specs: {@code sd15@512x512x1}, {@code sdxl@1024x1024x2}, {@code llm:7b:f16:ctx=4096},
 * {@code llm:13b:q4_0}, {@code scene:tris=30M:tex=4GB}. Errors name the spec and what was expected.
 */
public final class Workloads {

	private static final Pattern DIFFUSION = Pattern.compile("(\\w+)@(\\d+)x(\\d+)(?:x(\\d+))?((?::\\w+)*)");
	private static final Pattern LLM = Pattern.compile("llm:(\\w+):(\\w+)((?::[\\w=.%]+)*)");
	private static final Pattern SCENE = Pattern.compile("scene((?::[\\w=.]+)*)");

	private Workloads() {
	}

	public static Workload parse(String spec) {
		String s = spec.strip().toLowerCase(Locale.ROOT);
		try {
			Matcher m;
			if ((m = DIFFUSION.matcher(s)).matches()) {
				boolean fp32 = m.group(5).contains(":fp32");
				boolean tiled = m.group(5).contains(":tiled");
				return new DiffusionWorkload(DiffusionWorkload.Profile.known(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
						m.group(4) == null ? 1 : Integer.parseInt(m.group(4)), fp32, tiled);
			}
			if ((m = LLM.matcher(s)).matches()) {
				int context = LlmWorkload.DEFAULT_CONTEXT;
				double offload = 0;
				for (String option : m.group(3).split(":")) {
					if (option.startsWith("ctx=")) {
						context = (int) count(option.substring(4));
					} else if (option.startsWith("offload=")) {
						offload = Double.parseDouble(option.substring(8).replace("%", "")) / 100;
					} else if (!option.isEmpty()) {
						throw new IllegalArgumentException("unknown option '" + option + "' (expected ctx=N or offload=P%)");
					}
				}
				return new LlmWorkload(m.group(1), m.group(2), context, offload);
			}
			if ((m = SCENE.matcher(s)).matches()) {
				long tris = 0;
				long tex = 0;
				boolean bc7 = false;
				for (String option : m.group(1).split(":")) {
					if (option.startsWith("tris=")) {
						tris = count(option.substring(5));
					} else if (option.startsWith("tex=")) {
						tex = bytes(option.substring(4));
					} else if (option.equals("bc7")) {
						bc7 = true;
					} else if (!option.isEmpty()) {
						throw new IllegalArgumentException("unknown option '" + option + "' (expected tris=N, tex=SIZE or bc7)");
					}
				}
				return new SceneWorkload(tris, tex, bc7);
			}
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("workload '" + spec + "': " + e.getMessage(), e);
		}
		throw new IllegalArgumentException("workload '" + spec + "' is not a spec; expected e.g. sd15@512x512x1, sdxl@1024x1024x2, "
				+ "llm:7b:f16:ctx=4096, llm:13b:q4_0, scene:tris=30M:tex=4GB");
	}

	/** 30M, 4k, 1.5G or a plain number. */
	static long count(String text) {
		return Math.round(scaled(text, 1000));
	}

	/** 4GB, 512MB, 2GiB (decimal and binary units) or plain bytes. */
	static long bytes(String text) {
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
