package dev.atelier.diffusion.checkpoint.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.Prediction;
import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.checkpoint.Weight;
import dev.atelier.diffusion.checkpoint.internal.format.PickleCheckpoint;
import dev.atelier.diffusion.checkpoint.internal.format.SafetensorsFile;
import dev.atelier.diffusion.checkpoint.internal.format.TensorFile;

/** Opens files and folders, maps them to internal names, detects, and checks every needed tensor before handing anything out. */
public final class Loader {

	private static final int LISTED = 20;
	private static final List<String> COMPONENTS = List.of("unet", "vae", "text_encoder", "text_encoder_2");
	/** ldm's {@code parameterization: "v"} (its default is "eps"), as a config's line reads. */
	private static final Pattern PARAMETERIZATION = Pattern.compile("^\\s*parameterization:\\s*[\"']?(\\w+)[\"']?\\s*(#.*)?$", Pattern.MULTILINE);

	private Loader() {
	}

	public static Checkpoint open(Path model, Path vaeFile) throws CheckpointException {
		List<AutoCloseable> opened = new ArrayList<>();
		try {
			return Files.isDirectory(model) ? folder(model, vaeFile, opened) : single(model, vaeFile, opened);
		} catch (CheckpointException | RuntimeException e) {
			closeAll(opened);
			throw e;
		} catch (NoSuchFileException e) {
			closeAll(opened);
			throw new CheckpointException(Path.of(e.getFile()), "no such file", e);
		} catch (IOException e) {
			closeAll(opened);
			throw new CheckpointException(model, e.getMessage() == null ? e.toString() : e.getMessage(), e);
		}
	}

	/** Opens a weights file by its extension: safetensors, or a PyTorch pickle (.ckpt, .pt, .pth, .bin). */
	public static TensorFile openFile(Path file) throws IOException {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (name.endsWith(".safetensors")) {
			return SafetensorsFile.open(file);
		}
		if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
			return PickleCheckpoint.open(file);
		}
		throw new CheckpointException(file, "not a checkpoint file name (.safetensors, .ckpt, .pt or .pth)");
	}

	private static Checkpoint single(Path model, Path vaeFile, List<AutoCloseable> opened) throws IOException {
		TensorFile file = openFile(model);
		opened.add(file);
		Map<String, StoredTensor> tensors = file.tensors();
		if (!LdmMapping.applies(tensors)) {
			throw new CheckpointException(model, "not a Stable Diffusion checkpoint in the original (ldm) layout: no " + LdmMapping.UNET
					+ "input_blocks.0.0.weight; " + whatItHas(tensors));
		}
		Mapped m = LdmMapping.map(tensors);
		Path vaeSource = model;
		if (vaeFile != null) {
			vaeSource = vaeFile;
			TensorFile vae = openFile(vaeFile);
			opened.add(vae);
			Mapped v = LdmMapping.mapVae(vae.tensors());
			m.weights.keySet().removeIf(k -> k.startsWith("vae."));
			m.weights.putAll(v.weights);
		}
		String format = file instanceof SafetensorsFile ? "safetensors" : "ckpt";
		Detector.Result r = Detector.detect(model, m.weights, m.textLayouts, sidecarPrediction(model), m.ignored.contains("v_pred"));
		return build(model, format, r, m, vaeSource, opened);
	}

	/**
	 * The prediction a single file's sidecar config names, as AUTOMATIC1111 reads it: {@code NAME.yaml} beside
	 * {@code NAME.safetensors}, an ldm config whose {@code parameterization: "v"} marks a v-prediction model (SD 2.x 768-v)
	 * and whose absence means ε. Without a sidecar, the detector's rule decides.
	 */
	static Optional<Prediction> sidecarPrediction(Path model) throws CheckpointException {
		String name = model.getFileName().toString();
		int dot = name.lastIndexOf('.');
		Path yaml = model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".yaml");
		if (!Files.isRegularFile(yaml)) {
			return Optional.empty();
		}
		String text;
		try {
			text = Files.readString(yaml);
		} catch (IOException e) {
			throw new CheckpointException(yaml, "cannot read the checkpoint's config: " + e.getMessage(), e);
		}
		Matcher m = PARAMETERIZATION.matcher(text);
		if (!m.find()) {
			return Optional.of(Prediction.EPSILON);
		}
		return switch (m.group(1)) {
		case "v" -> Optional.of(Prediction.V_PREDICTION);
		case "eps" -> Optional.of(Prediction.EPSILON);
		default -> throw new CheckpointException(yaml, "parameterization '" + m.group(1) + "' is neither \"eps\" nor \"v\"");
		};
	}

	private static Checkpoint folder(Path dir, Path vaeFile, List<AutoCloseable> opened) throws IOException {
		if (!Files.isDirectory(dir.resolve("unet"))) {
			throw new CheckpointException(dir, "not a diffusers folder: no unet/ (single files: give the .safetensors or .ckpt file)");
		}
		Mapped m = new Mapped();
		for (String component : COMPONENTS) {
			Path sub = dir.resolve(component);
			if (!Files.isDirectory(sub) || (component.equals("vae") && vaeFile != null)) {
				continue;
			}
			if (!Files.isRegularFile(sub.resolve("config.json"))) {
				throw new CheckpointException(sub, "no config.json");
			}
			TensorFile weights = SafetensorsFile.open(weightsFile(sub));
			opened.add(weights);
			weights.tensors().forEach((k, t) -> m.put(component + "." + k, t));
		}
		Path vaeSource = dir.resolve("vae");
		if (vaeFile != null) {
			vaeSource = vaeFile;
			TensorFile vae = openFile(vaeFile);
			opened.add(vae);
			m.weights.putAll(LdmMapping.mapVae(vae.tensors()).weights);
		}
		Optional<Prediction> prediction = Optional.empty();
		Path scheduler = dir.resolve("scheduler/scheduler_config.json");
		if (Files.isRegularFile(scheduler)) {
			String type = string(json(scheduler), "prediction_type");
			prediction = Optional.of("v_prediction".equals(type) ? Prediction.V_PREDICTION : Prediction.EPSILON);
		}
		Detector.Result r = Detector.detect(dir, m.weights, Map.of(), prediction, false);
		checkUnetConfig(dir.resolve("unet/config.json"), r);
		return build(dir, "diffusers folder", r, m, vaeSource, opened);
	}

	/** A component's weights: the full-precision file, else the fp16 variant; pickled .bin weights are not read. */
	private static Path weightsFile(Path sub) throws CheckpointException {
		String base = sub.getFileName().toString().equals("unet") || sub.getFileName().toString().equals("vae") ? "diffusion_pytorch_model" : "model";
		for (String name : List.of(base + ".safetensors", base + ".fp16.safetensors")) {
			if (Files.isRegularFile(sub.resolve(name))) {
				return sub.resolve(name);
			}
		}
		throw new CheckpointException(sub, "no " + base + ".safetensors (pickled .bin weights are not read: convert them to safetensors)");
	}

	/** The folder's own description must agree with what its tensors say; heads are the one thing only the config states. */
	private static void checkUnetConfig(Path config, Detector.Result r) throws CheckpointException {
		JsonObject o = json(config);
		check(config, o, "in_channels", r.unet().inChannels());
		check(config, o, "cross_attention_dim", r.unet().contextDim());
		JsonElement heads = o.get("attention_head_dim");
		if (heads != null && !heads.isJsonNull()) {
			for (int i = 0; i < r.unet().levels(); i++) {
				int given = heads.isJsonArray() ? heads.getAsJsonArray().get(Math.min(i, heads.getAsJsonArray().size() - 1)).getAsInt() : heads.getAsInt();
				int rule = r.family().unetHeads(r.unet().channels(i));
				if (given != rule) {
					throw new CheckpointException(config, "attention_head_dim gives " + given + " heads at level " + i + "; " + r.family().displayName()
							+ "'s rule gives " + rule + " (other head counts are not supported)");
				}
			}
		}
	}

	private static void check(Path config, JsonObject o, String key, int detected) throws CheckpointException {
		JsonElement e = o.get(key);
		if (e != null && e.isJsonPrimitive() && e.getAsInt() != detected) {
			throw new CheckpointException(config, key + " is " + e.getAsInt() + " but the weights say " + detected);
		}
	}

	private static Checkpoint build(Path source, String format, Detector.Result r, Mapped m, Path vaeSource, List<AutoCloseable> opened)
			throws CheckpointException {
		Map<String, long[]> expected = new LinkedHashMap<>(Expected.unet(r.unet()));
		expected.putAll(Expected.vae(r.vae(), (int) m.weights.get("vae.encoder.conv_in.weight").shape()[1]));
		for (Map.Entry<String, TextEncoderConfig> e : r.textEncoders().entrySet()) {
			expected.putAll(Expected.textEncoder(e.getKey(), e.getValue()));
		}
		Map<String, Weight> weights = checked(source, r.family().displayName() + " checkpoint (" + r.unet() + ")", expected, m);
		List<String> unused = new ArrayList<>(m.unused);
		m.weights.forEach((name, w) -> {
			if (!expected.containsKey(name)) {
				unused.add(w.source().key());
			}
		});
		return new Checkpoint(source, format, r.family(), r.prediction(), r.unet(), r.textEncoders(), r.vae(), vaeSource, weights, m.ignored, unused, opened);
	}

	/**
	 * The weights {@code expected} names from {@code m}, each checked for its shape and a weight type.
	 *
	 * @throws CheckpointException naming {@code source}, {@code what} and the missing or misshapen tensors
	 */
	public static Map<String, Weight> checked(Path source, String what, Map<String, long[]> expected, Mapped m) throws CheckpointException {
		List<String> missing = new ArrayList<>();
		List<String> misshapen = new ArrayList<>();
		Map<String, Weight> weights = new TreeMap<>();
		for (Map.Entry<String, long[]> e : expected.entrySet()) {
			Weight w = m.weights.get(e.getKey());
			if (w == null) {
				missing.add(e.getKey());
			} else if (!Arrays.equals(w.shape(), e.getValue())) {
				misshapen.add(w.source().key() + " " + Arrays.toString(w.shape()) + " (expected " + Arrays.toString(e.getValue()) + ")");
			} else if (!w.dtype().isWeightType()) {
				misshapen.add(w.source().key() + " is " + w.dtype() + " (weights are F32, F16 or BF16)");
			} else {
				weights.put(e.getKey(), w);
			}
		}
		if (!missing.isEmpty() || !misshapen.isEmpty()) {
			StringBuilder sb = new StringBuilder(what + " is incomplete:");
			if (!missing.isEmpty()) {
				sb.append(" missing ").append(missing.size()).append(" tensors: ").append(list(missing));
			}
			if (!misshapen.isEmpty()) {
				sb.append(missing.isEmpty() ? " " : "; ").append(misshapen.size()).append(" misshapen: ").append(list(misshapen));
			}
			throw new CheckpointException(source, sb.toString());
		}
		return weights;
	}

	private static String list(List<String> names) {
		String shown = names.stream().limit(LISTED).collect(Collectors.joining(", "));
		return names.size() > LISTED ? shown + ", … (" + (names.size() - LISTED) + " more)" : shown;
	}

	/** For a file that is not an ldm checkpoint: what it looks like, from its keys. */
	private static String whatItHas(Map<String, StoredTensor> tensors) {
		if (tensors.isEmpty()) {
			return "it holds no tensors";
		}
		boolean lora = tensors.keySet().stream().anyMatch(k -> k.startsWith("lora_") || k.contains(".lora_"));
		boolean diffusersUnet = tensors.containsKey("conv_in.weight") && tensors.keySet().stream().anyMatch(k -> k.startsWith("down_blocks."));
		boolean vae = tensors.keySet().stream().anyMatch(k -> k.startsWith("encoder.") || k.startsWith("first_stage_model.encoder."))
				&& tensors.keySet().stream().noneMatch(k -> k.contains("diffusion_model"));
		boolean control = ControlNetMapping.applies(tensors);
		String kind = lora ? "it looks like a LoRA (lora_ keys)" : control ? "it looks like a ControlNet (give it with --controlnet)" : diffusersUnet ? "it looks like a diffusers UNet alone (give the whole diffusers folder)"
				: vae ? "it looks like a VAE alone (give it with --vae)" : "it has " + tensors.size() + " tensors";
		return kind + ", keys like " + tensors.keySet().stream().limit(3).collect(Collectors.joining(", "));
	}

	private static JsonObject json(Path file) throws CheckpointException {
		try {
			JsonElement e = JsonParser.parseString(Files.readString(file));
			if (!e.isJsonObject()) {
				throw new CheckpointException(file, "not a JSON object");
			}
			return e.getAsJsonObject();
		} catch (IOException | JsonParseException e) {
			throw new CheckpointException(file, "unreadable JSON: " + e.getMessage(), e);
		}
	}

	private static String string(JsonObject o, String key) {
		JsonElement e = o.get(key);
		return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
	}

	private static void closeAll(List<AutoCloseable> opened) {
		for (AutoCloseable c : opened) {
			try {
				c.close();
			} catch (Exception e) {
				// already failing: the first error is the one to report
			}
		}
	}
}
