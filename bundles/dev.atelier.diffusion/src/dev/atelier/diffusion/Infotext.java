package dev.atelier.diffusion;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Sampler;

/**
 * AUTOMATIC1111's generation parameters text, which it (and ComfyUI's readers, Civitai, …) keep in a PNG's
 * {@code parameters} chunk: the prompt, a {@code Negative prompt:} line, then one line of {@code Key: value} pairs.
 *
 * @param settings the last line's pairs in order (Steps, Sampler, CFG scale, Seed, Size, Model hash, Model, …)
 */
public record Infotext(String prompt, String negativePrompt, Map<String, String> settings) {

	public static final String CHUNK = PngInfo.PARAMETERS;
	private static final String NEGATIVE = "Negative prompt:";
	private static final Pattern PAIR = Pattern.compile("\\s*([\\w .-]+):\\s*(\"(?:\\\\.|[^\\\\\"])*\"|[^,]*)(?:,|$)");
	private static final Gson GSON = new Gson();
	/** Atelier's own keys: the init image and the mask as files, and the tiled VAE. */
	private static final String INIT_IMAGE = "Init image";
	private static final String MASK = "Mask";
	private static final String TILED_VAE = "Tiled VAE";

	public Infotext {
		settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
	}

	/** The text for image {@code index} of a request, generated with {@code model}. */
	public static Infotext of(GenerationRequest r, int index, String modelName, String modelHash) {
		return of(r, index, modelName, modelHash, Map.of());
	}

	/**
	 * The same with the LoRAs used, by name ({@code <lora:NAME:…>}'s, or a file's name) to AUTOMATIC1111's short hash:
	 * recorded as its {@code Lora hashes}, and the request's LoRA files as tags after the prompt, so that the parameters
	 * reused generate with them again (from the workspace's LoRA folder).
	 */
	public static Infotext of(GenerationRequest r, int index, String modelName, String modelHash, Map<String, String> loraHashes) {
		return of(r, index, modelName, modelHash, loraHashes, null);
	}

	/**
	 * How a ControlNet ran, for its infotext: the model's short hash (the first 8 digits of its file's SHA-256, as
	 * AUTOMATIC1111's ControlNet extension names models "NAME [hash]") and the resolution the preprocessor ran at.
	 */
	public record ControlRun(String hash, int processorRes) {
	}

	/**
	 * The same with the ControlNet's run ({@code control}, for {@code r.control()}; null without), recorded as
	 * AUTOMATIC1111's ControlNet extension does: {@code ControlNet 0: "Module: canny, Model: NAME [hash], Weight: 1.0,
	 * Resize Mode: Crop and Resize, Processor Res: 512, Threshold A: 100.0, Threshold B: 200.0, Guidance Start: 0.0,
	 * Guidance End: 1.0, Pixel Perfect: True, Control Mode: Balanced"} (its unit's infotext fields, numbers as Python prints them).
	 * Beyond AUTOMATIC1111's keys, the init image and the mask are recorded as files ({@code Init image: FILE},
	 * {@code Mask: FILE}, absolute until {@link #inWorkspace}) and a tiled VAE as {@code Tiled VAE: True}, for Reuse to
	 * choose them again.
	 */
	public static Infotext of(GenerationRequest r, int index, String modelName, String modelHash, Map<String, String> loraHashes, ControlRun control) {
		Map<String, String> s = new LinkedHashMap<>();
		s.put("Steps", Integer.toString(r.steps()));
		s.put("Sampler", r.sampler().displayName());
		s.put("CFG scale", number(r.cfgScale()));
		s.put("Seed", Long.toString(r.seed() + index));
		s.put("Size", r.width() + "x" + r.height());
		s.put("Model hash", modelHash);
		s.put("Model", modelName);
		if (r.vae() != null) {
			s.put("VAE", r.vae().getFileName().toString());
		}
		if (r.initImage() != null) {
			s.put("Denoising strength", number(r.strength()));
			// AUTOMATIC1111 keeps no image's file (its images are uploaded); Atelier's are files, which Reuse chooses again
			s.put(INIT_IMAGE, file(r.initImage()));
		}
		if (r.mask() != null) {
			s.put(MASK, file(r.mask()));
		}
		if (!loraHashes.isEmpty()) {
			// as AUTOMATIC1111 writes them: the separators taken out of the names
			s.put("Lora hashes", loraHashes.entrySet().stream().map(e -> e.getKey().replace(":", "").replace(",", "") + ": " + e.getValue())
					.collect(Collectors.joining(", ")));
		}
		ControlChoice c = r.control();
		if (c != null && control != null) {
			// the preprocessor runs on the image at the generation's size: pixel perfect
			s.put("ControlNet 0", "Module: " + (c.canny() ? "canny" : "none") + ", Model: " + c.name() + " [" + control.hash() + "], Weight: " + c.strength()
					+ ", Resize Mode: Crop and Resize, Processor Res: " + control.processorRes() + ", Threshold A: " + (c.canny() ? (double) ControlChoice.CANNY_LOW : 0.5)
					+ ", Threshold B: " + (c.canny() ? (double) ControlChoice.CANNY_HIGH : 0.5) + ", Guidance Start: " + c.start() + ", Guidance End: " + c.end()
					+ ", Pixel Perfect: True, Control Mode: Balanced");
		}
		if (r.tileVae()) {
			// named as the multidiffusion extension's Tiled VAE (which writes no infotext itself); a boolean as Python prints it
			s.put(TILED_VAE, "True");
		}
		StringBuilder prompt = new StringBuilder(r.prompt());
		for (LoraChoice l : r.loras()) {
			prompt.append(prompt.isEmpty() ? "" : " ").append("<lora:").append(l.name()).append(':').append(number(l.weight())).append('>');
		}
		return new Infotext(prompt.toString(), r.negativePrompt(), s);
	}

	/** A file as Reuse finds it again from another folder: absolute (a relative {@code --mask} is meant from the current one). */
	private static String file(Path p) {
		return p.toAbsolutePath().normalize().toString();
	}

	/**
	 * This text as an image of {@code workspace} keeps it: the init image's and the mask's files that are in the
	 * workspace relative to it, with forward slashes, so that the image names no one's home folder (AUTOMATIC1111 writes
	 * no path at all) and stays right where the workspace moves; files outside it stay absolute.
	 * {@link #toRequest} and {@link #options} resolve them against the workspace again.
	 */
	public Infotext inWorkspace(Path workspace) {
		Path root = workspace.toAbsolutePath().normalize();
		Map<String, String> s = new LinkedHashMap<>(settings);
		for (String key : List.of(INIT_IMAGE, MASK)) {
			s.computeIfPresent(key, (k, recorded) -> {
				Path file = path(recorded);
				Path in = file == null || !file.isAbsolute() || !file.normalize().startsWith(root) ? null : root.relativize(file.normalize());
				if (in == null || in.toString().isEmpty()) {
					return recorded;
				}
				List<String> names = new ArrayList<>();
				in.forEach(name -> names.add(name.toString()));
				return String.join("/", names);
			});
		}
		return new Infotext(prompt, negativePrompt, s);
	}

	private static String number(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
	}

	/** As AUTOMATIC1111 writes it; values with a comma, colon or line break are quoted as JSON strings. */
	public String text() {
		StringBuilder b = new StringBuilder(prompt);
		if (!negativePrompt.isEmpty()) {
			b.append('\n').append(NEGATIVE).append(' ').append(negativePrompt);
		}
		b.append('\n');
		boolean first = true;
		for (Map.Entry<String, String> e : settings.entrySet()) {
			b.append(first ? "" : ", ").append(e.getKey()).append(": ").append(quote(e.getValue()));
			first = false;
		}
		return b.toString();
	}

	private static String quote(String v) {
		return v.contains(",") || v.contains(":") || v.contains("\n") ? GSON.toJson(v) : v;
	}

	/** Reads the text back; a text without a settings line is all prompt. */
	public static Infotext parse(String text) {
		List<String> lines = List.of(text.strip().split("\n", -1));
		Map<String, String> settings = new LinkedHashMap<>();
		int promptLines = lines.size();
		if (!lines.isEmpty()) {
			Map<String, String> last = pairs(lines.getLast());
			if (last.size() >= 3) {
				settings = last;
				promptLines--;
			}
		}
		StringBuilder prompt = new StringBuilder();
		StringBuilder negative = null;
		for (String line : lines.subList(0, promptLines)) {
			if (negative == null && line.startsWith(NEGATIVE)) {
				negative = new StringBuilder(line.substring(NEGATIVE.length()).strip());
			} else if (negative != null) {
				negative.append('\n').append(line);
			} else {
				prompt.append(prompt.isEmpty() ? "" : "\n").append(line);
			}
		}
		return new Infotext(prompt.toString(), negative == null ? "" : negative.toString(), settings);
	}

	private static Map<String, String> pairs(String line) {
		Map<String, String> pairs = new LinkedHashMap<>();
		Matcher m = PAIR.matcher(line);
		int at = 0;
		while (at < line.length() && m.find(at) && m.start() == at) {
			String value = m.group(2).strip();
			if (value.startsWith("\"")) {
				try {
					value = GSON.fromJson(value, String.class);
				} catch (JsonParseException e) {
					return Map.of();
				}
			}
			pairs.put(m.group(1).strip(), value);
			at = m.end();
		}
		return at >= line.length() ? pairs : Map.of();
	}

	/**
	 * The request these parameters describe ("reuse parameters"), batch of one, with the init image and its denoising
	 * strength where the image records its file (a relative one in {@code workspace}, as {@link #inWorkspace} writes it);
	 * settings that are missing or do not parse keep {@code defaults}' values.
	 */
	public GenerationRequest toRequest(GenerationRequest defaults, Path workspace) {
		Path init = file(INIT_IMAGE, workspace);
		double strength = init == null ? defaults.strength()
				: get("Denoising strength", Double::parseDouble).filter(s -> s > 0 && s <= 1).orElse(defaults.strength());
		GenerationRequest r = new GenerationRequest(prompt, negativePrompt, get("Sampler", Sampler::parse).orElse(defaults.sampler()),
				get("Steps", Integer::parseInt).orElse(defaults.steps()), get("CFG scale", Double::parseDouble).orElse(defaults.cfgScale()),
				get("Seed", Long::parseLong).orElse(defaults.seed()), defaults.width(), defaults.height(), 1, init, strength);
		String[] size = settings.getOrDefault("Size", "").split("x");
		try {
			return r.withSize(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
		} catch (RuntimeException e) {
			return r;
		}
	}

	/**
	 * The choices these parameters record beyond {@link #toRequest}'s ("reuse parameters"): the first ControlNet unit's
	 * model (by name, which the workspace's {@code models/controlnet} has), weight, guidance start and end and whether it
	 * ran canny, the VAE by name (in {@code models/vae}), the mask's file (a relative one in {@code workspace}) and whether
	 * the VAE was tiled. LoRAs stay in the prompt as its {@code <lora:NAME:W>} tags; the control image is not recorded, so
	 * none is chosen.
	 */
	public GenerationOptions options(Path workspace) {
		GenerationOptions none = GenerationOptions.NONE;
		Map<String, String> unit = new LinkedHashMap<>();
		for (String field : settings.getOrDefault("ControlNet 0", "").split(",")) {
			int colon = field.indexOf(':');
			if (colon > 0) {
				unit.put(field.substring(0, colon).strip(), field.substring(colon + 1).strip());
			}
		}
		Path controlNet = path(unit.getOrDefault("Model", "").replaceFirst("\\s*\\[[0-9a-fA-F]+\\]$", ""));
		Function<String, Optional<Double>> number = key -> {
			try {
				return Optional.ofNullable(unit.get(key)).map(Double::parseDouble);
			} catch (NumberFormatException e) {
				return Optional.empty();
			}
		};
		return new GenerationOptions(List.of(), controlNet, null, number.apply("Weight").orElse(none.controlStrength()),
				number.apply("Guidance Start").orElse(none.controlStart()), number.apply("Guidance End").orElse(none.controlEnd()),
				controlNet != null && "canny".equals(unit.get("Module")), file(MASK, workspace), path(settings.getOrDefault("VAE", "")),
				"True".equalsIgnoreCase(settings.getOrDefault(TILED_VAE, "")));
	}

	/** A model's recorded name or an image's file as a path, or null where none is recorded (AUTOMATIC1111 writes None). */
	private static Path path(String recorded) {
		if (recorded.isBlank() || recorded.equals("None")) {
			return null;
		}
		try {
			return Path.of(recorded);
		} catch (InvalidPathException e) {
			return null;
		}
	}

	/** The file {@code key} records, a relative one in {@code workspace}; null where none is recorded. */
	private Path file(String key, Path workspace) {
		Path recorded = path(settings.getOrDefault(key, ""));
		return recorded == null ? null : workspace.resolve(recorded);
	}

	private <T> Optional<T> get(String key, Function<String, T> parser) {
		try {
			return Optional.ofNullable(settings.get(key)).map(parser);
		} catch (RuntimeException e) {
			return Optional.empty();
		}
	}
}
