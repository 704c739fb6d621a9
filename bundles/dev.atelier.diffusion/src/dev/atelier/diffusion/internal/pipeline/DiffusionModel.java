package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.engine.Emphasis;
import dev.atelier.diffusion.exec.ElementType;
import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.GraphSession;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.exec.Tensor;
import dev.atelier.diffusion.exec.TensorSpec;
import dev.atelier.diffusion.internal.scheduler.Scheduler;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * A Stable Diffusion 1.x / 2.x pipeline folder in diffusers' ONNX layout, loaded and checked: every graph's inputs
 * and outputs against what the pipeline feeds and reads, so that a wrong export fails here, naming the file, and
 * not in the middle of a generation. SDXL's second text encoder would be one more graph here.
 */
public final class DiffusionModel implements PipelineModel {

	static final String TEXT_ENCODER = "text_encoder/model.onnx";
	static final String UNET = "unet/model.onnx";
	static final String VAE_DECODER = "vae_decoder/model.onnx";
	static final String VAE_ENCODER = "vae_encoder/model.onnx";
	static final String SCHEDULER_CONFIG = "scheduler/scheduler_config.json";
	/** SD's latent scaling when the folder does not say (diffusers' ONNX exports do not). */
	static final double DEFAULT_SCALING = 0.18215;

	private final Path folder;
	private final GraphExecutor executor;
	private final Placement placement;
	private final ClipTokenizer tokenizer;
	private final SchedulerConfig schedulerConfig;
	private final double scalingFactor;
	private final GraphSession textEncoder;
	private final GraphSession unet;
	private final GraphSession vaeDecoder;
	private GraphSession vaeEncoder;
	private final int latentChannels;
	private final int maxChunks;
	private final long totalWeights;

	private DiffusionModel(Path folder, GraphExecutor executor, Placement placement, List<GraphSession> opened) throws IOException {
		this.folder = folder;
		this.executor = executor;
		this.placement = placement;
		JsonObject index = json(folder.resolve("model_index.json"));
		JsonElement className = index.get("_class_name");
		if (className != null && !(className.isJsonPrimitive() && className.getAsJsonPrimitive().isString())) {
			throw new IOException(folder.resolve("model_index.json") + ": _class_name is " + className + ", not the pipeline class's name");
		}
		String kind = className == null ? "" : className.getAsString();
		if (kind.contains("XL")) {
			throw new IOException(folder.resolve("model_index.json") + ": " + kind + " (SDXL) needs a second text encoder, not supported yet");
		}
		for (String part : List.of("text_encoder", "unet", "vae_decoder", "tokenizer", "scheduler")) {
			if (index.has(part) && index.get(part).isJsonNull()) {
				throw new IOException(folder.resolve("model_index.json") + ": the pipeline needs a " + part + ", and the index sets it to null");
			}
		}
		tokenizer = ClipTokenizer.fromFolder(folder.resolve("tokenizer"));
		Path schedulerFile = folder.resolve(SCHEDULER_CONFIG);
		if (!Files.isRegularFile(schedulerFile)) {
			throw new IOException(schedulerFile + ": missing (the pipeline needs " + SCHEDULER_CONFIG + ")");
		}
		schedulerConfig = SchedulerConfig.read(schedulerFile);
		totalWeights = weightBytes();
		scalingFactor = scaling(folder.resolve("vae_decoder/config.json"));

		textEncoder = open(TEXT_ENCODER, opened);
		TensorSpec ids = require(textEncoder, true, "input_ids", Set.of(ElementType.INT32, ElementType.INT64), 2);
		if (ids.dim(1) > 0 && ids.dim(1) != ClipTokenizer.LENGTH) {
			throw new IOException(textEncoder.file() + ": input 'input_ids' takes " + ids.dim(1) + " tokens; the CLIP tokenizer gives " + ClipTokenizer.LENGTH);
		}
		onlyInputs(textEncoder, "input_ids");
		TensorSpec hidden = require(textEncoder, false, "last_hidden_state", floats(), 3);

		unet = open(UNET, opened);
		TensorSpec sample = require(unet, true, "sample", floats(), 4);
		require(unet, true, "timestep", Set.of(ElementType.FLOAT32, ElementType.FLOAT16, ElementType.INT64, ElementType.INT32), -1);
		TensorSpec context = require(unet, true, "encoder_hidden_states", floats(), 3);
		onlyInputs(unet, "sample", "timestep", "encoder_hidden_states");
		require(unet, false, "out_sample", floats(), 4);
		if (context.dim(2) > 0 && hidden.dim(2) > 0 && context.dim(2) != hidden.dim(2)) {
			throw new IOException(unet.file() + ": input 'encoder_hidden_states' has width " + context.dim(2) + " but the text encoder ("
					+ textEncoder.file() + ") gives " + hidden.dim(2));
		}
		latentChannels = sample.dim(1) > 0 ? (int) sample.dim(1) : 4;
		maxChunks = context.dim(1) > 0 ? Math.max(1, (int) (context.dim(1) / ClipTokenizer.LENGTH)) : Integer.MAX_VALUE;

		vaeDecoder = open(VAE_DECODER, opened);
		TensorSpec latent = require(vaeDecoder, true, "latent_sample", floats(), 4);
		onlyInputs(vaeDecoder, "latent_sample");
		require(vaeDecoder, false, "sample", floats(), 4);
		if (latent.dim(1) > 0 && latent.dim(1) != latentChannels) {
			throw new IOException(vaeDecoder.file() + ": input 'latent_sample' has " + latent.dim(1) + " channels; the UNet (" + unet.file()
					+ ") works on " + latentChannels);
		}
	}

	/**
	 * Loads and checks a pipeline folder; the VAE encoder, needed only for img2img, is loaded when first used.
	 *
	 * @throws IOException naming the file and what is wrong with it
	 */
	public static DiffusionModel open(Path folder, GraphExecutor executor, Placement placement) throws IOException {
		if (!Files.isDirectory(folder)) {
			throw new IOException(folder + ": not a model folder (expected diffusers' ONNX layout: model_index.json, unet/model.onnx, …)");
		}
		List<GraphSession> opened = new ArrayList<>();
		try {
			return new DiffusionModel(folder.toAbsolutePath().normalize(), executor, placement, opened);
		} catch (IOException | RuntimeException e) {
			opened.forEach(GraphSession::close);
			throw e;
		}
	}

	private GraphSession open(String relative, List<GraphSession> opened) throws IOException {
		Path file = folder.resolve(relative);
		if (!Files.isRegularFile(file)) {
			throw new IOException(file + ": missing (the pipeline needs " + relative + ")");
		}
		GraphSession session = executor.open(file, share(file.getParent()));
		opened.add(session);
		return session;
	}

	/**
	 * Each graph's arena gets a share of the lease by its weights (at least 256 MiB), so that the sessions together
	 * stay within the lease; the UNet, with most of the weights, also has most of the activations.
	 */
	private Placement share(Path graphFolder) throws IOException {
		if (placement.memoryLimit() <= 0 || totalWeights <= 0) {
			return placement;
		}
		long own = weightBytes(graphFolder);
		long limit = Math.max(256L << 20, Math.round(placement.memoryLimit() * (double) own / totalWeights));
		return new Placement(placement.kind(), placement.deviceIndex(), placement.threads(), limit);
	}

	private static Set<ElementType> floats() {
		return Set.of(ElementType.FLOAT32, ElementType.FLOAT16);
	}

	/** The named input or output, of one of the types and, unless {@code rank} is negative, of that rank. */
	private static TensorSpec require(GraphSession graph, boolean input, String name, Set<ElementType> types, int rank) throws IOException {
		List<TensorSpec> all = input ? graph.inputs() : graph.outputs();
		String what = input ? "input" : "output";
		TensorSpec spec = all.stream().filter(t -> t.name().equals(name)).findFirst()
				.orElseThrow(() -> new IOException(graph.file() + ": no " + what + " named '" + name + "'; it has " + names(all)));
		if (!types.contains(spec.type()) || (rank >= 0 && spec.rank() != rank)) {
			throw new IOException(graph.file() + ": " + what + " " + spec + " does not fit: the pipeline needs "
					+ types.stream().map(ElementType::toString).sorted().collect(Collectors.joining(" or ")) + (rank >= 0 ? " of rank " + rank : ""));
		}
		return spec;
	}

	private static void onlyInputs(GraphSession graph, String... expected) throws IOException {
		List<String> extra = graph.inputs().stream().map(TensorSpec::name).filter(n -> !List.of(expected).contains(n)).toList();
		if (!extra.isEmpty()) {
			throw new IOException(graph.file() + ": unexpected input(s) " + extra + "; the pipeline feeds " + List.of(expected));
		}
	}

	private static String names(List<TensorSpec> specs) {
		return specs.stream().map(TensorSpec::toString).collect(Collectors.joining(", ", "[", "]"));
	}

	private static JsonObject json(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			JsonElement e = JsonParser.parseReader(reader);
			if (!e.isJsonObject()) {
				throw new IOException(file + ": not a JSON object");
			}
			return e.getAsJsonObject();
		} catch (NoSuchFileException e) {
			throw new IOException(file + ": missing (a diffusers pipeline folder starts with model_index.json)", e);
		} catch (RuntimeException e) {
			throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
		}
	}

	private static double scaling(Path config) throws IOException {
		if (!Files.isRegularFile(config)) {
			return DEFAULT_SCALING;
		}
		JsonElement f = json(config).get("scaling_factor");
		if (f == null) {
			return DEFAULT_SCALING;
		}
		try {
			double v = f.getAsDouble();
			if (!(v > 0)) {
				throw new IOException(config + ": scaling_factor must be positive, not " + v);
			}
			return v;
		} catch (RuntimeException e) {
			throw new IOException(config + ": scaling_factor is not a number: " + f, e);
		}
	}

	public Path folder() {
		return folder;
	}

	/** The folder's name, as AUTOMATIC1111 writes the model name. */
	@Override
	public String name() {
		return folder.getFileName().toString();
	}

	public Placement placement() {
		return placement;
	}

	@Override
	public ClipTokenizer tokenizer() {
		return tokenizer;
	}

	@Override
	public SchedulerConfig schedulerConfig() {
		return schedulerConfig;
	}

	/**
	 * The sampler's schedule of {@code steps} on the folder's scheduler config; a config that cannot give that many
	 * steps (a timestep past its training ones) is named with the problem.
	 */
	@Override
	public Scheduler scheduler(Sampler sampler, int steps) {
		try {
			return Scheduler.create(sampler, schedulerConfig, steps);
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(folder.resolve(SCHEDULER_CONFIG) + ": " + e.getMessage() + " at " + steps + " steps", e);
		}
	}

	@Override
	public double scalingFactor() {
		return scalingFactor;
	}

	@Override
	public int latentChannels() {
		return latentChannels;
	}

	public GraphSession textEncoder() {
		return textEncoder;
	}

	public GraphSession unet() {
		return unet;
	}

	public GraphSession vaeDecoder() {
		return vaeDecoder;
	}

	/** The VAE encoder for img2img, loaded and checked on first use. */
	public synchronized GraphSession vaeEncoder() throws IOException {
		if (vaeEncoder == null) {
			List<GraphSession> opened = new ArrayList<>();
			GraphSession encoder = open(VAE_ENCODER, opened);
			try {
				require(encoder, true, "sample", floats(), 4);
				onlyInputs(encoder, "sample");
				TensorSpec out = require(encoder, false, encoderOutput(encoder), floats(), 4);
				if (out.dim(1) > 0 && out.dim(1) != latentChannels && out.dim(1) != 2L * latentChannels) {
					throw new IOException(encoder.file() + ": output '" + out.name() + "' has " + out.dim(1) + " channels, neither " + latentChannels
							+ " (the mean) nor " + 2 * latentChannels + " (mean and log-variance)");
				}
			} catch (IOException e) {
				encoder.close();
				throw e;
			}
			vaeEncoder = encoder;
		}
		return vaeEncoder;
	}

	@Override
	public float[] encodeText(List<ClipTokenizer.Chunk> chunks) throws IOException {
		int n = chunks.size();
		int[] ids = new int[n * ClipTokenizer.LENGTH];
		for (int c = 0; c < n; c++) {
			System.arraycopy(chunks.get(c).ids(), 0, ids, c * ClipTokenizer.LENGTH, ClipTokenizer.LENGTH);
		}
		boolean longs = textEncoder.input("input_ids").map(TensorSpec::type).orElse(ElementType.INT32) == ElementType.INT64;
		Tensor in = longs ? Tensor.ofLongs(java.util.Arrays.stream(ids).asLongStream().toArray(), n, ClipTokenizer.LENGTH)
				: Tensor.ofInts(ids, n, ClipTokenizer.LENGTH);
		float[] hidden = textEncoder.run(Map.of("input_ids", in), Set.of("last_hidden_state")).get("last_hidden_state").floats();
		int one = hidden.length / n;
		for (int c = 0; c < n; c++) {
			float[] chunk = Emphasis.apply(java.util.Arrays.copyOfRange(hidden, c * one, (c + 1) * one), chunks.get(c).weights());
			System.arraycopy(chunk, 0, hidden, c * one, one);
		}
		return hidden;
	}

	@Override
	public int maxChunks() {
		return maxChunks;
	}

	@Override
	public float[] predict(float[] latents, int batch, int height, int width, double timestep, float[] context, int tokens) throws IOException {
		float[] out = unet.run(Map.of("sample", Tensor.of(latents, batch, latentChannels, height, width), "timestep", timestep(timestep),
				"encoder_hidden_states", Tensor.of(context, batch, tokens, context.length / (batch * tokens))), Set.of("out_sample")).get("out_sample").floats();
		if (out.length != latents.length) {
			throw new IOException(unet.file() + ": output 'out_sample' has " + out.length + " values for an input of " + latents.length);
		}
		return out;
	}

	private Tensor timestep(double t) {
		TensorSpec spec = unet.input("timestep").orElseThrow();
		long[] shape = spec.rank() == 0 ? new long[0] : new long[] { 1 };
		return switch (spec.type()) {
		// as diffusers' np.array([t], dtype=int64): fractional timesteps are truncated
		case INT64 -> Tensor.ofLongs(new long[] { (long) t }, shape);
		case INT32 -> Tensor.ofInts(new int[] { (int) t }, shape);
		default -> Tensor.of(new float[] { (float) t }, shape);
		};
	}

	@Override
	public Duration unetTime() {
		return unet.engineTime();
	}

	@Override
	public float[] decode(float[] latent, int height, int width) throws IOException {
		Tensor out = vaeDecoder.run(Map.of("latent_sample", Tensor.of(latent, 1, latentChannels, height, width)), Set.of("sample")).get("sample");
		if (out.dim(1) != 3 || out.dim(2) != 8L * height || out.dim(3) != 8L * width) {
			throw new IOException(vaeDecoder.file() + ": output 'sample' is " + out + ", not [1, 3, " + 8 * height + ", " + 8 * width + "]");
		}
		return out.floats();
	}

	@Override
	public float[] encodeImage(float[] pixels, int height, int width) throws IOException {
		GraphSession encoder = vaeEncoder();
		String name = encoderOutput(encoder);
		Tensor out = encoder.run(Map.of("sample", Tensor.of(pixels, 1, 3, height, width)), Set.of(name)).get(name);
		long per = (long) latentChannels * (height / 8) * (width / 8);
		boolean gaussian = out.dim(1) == 2L * latentChannels;
		if (out.floats().length != (gaussian ? 2 * per : per)) {
			throw new IOException(encoder.file() + ": output '" + name + "' is " + out + ", not the latent of a " + width + "x" + height + " image");
		}
		return out.floats();
	}

	/** diffusers' export names the encoder's output latent_sample, Optimum's latent_parameters (mean and log-variance). */
	static String encoderOutput(GraphSession encoder) {
		return encoder.output("latent_parameters").isPresent() ? "latent_parameters" : "latent_sample";
	}

	/** The bytes of every graph and weight file: what the weights take in memory. */
	public long weightBytes() throws IOException {
		return weightBytes(folder);
	}

	/** The bytes of the graph and weight files under {@code dir}: configs, vocabularies and notes do not count. */
	public static long weightBytes(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().matches(".*\\.(json|txt|md)")).mapToLong(f -> f.toFile().length())
					.sum();
		}
	}

	/** AUTOMATIC1111's short model hash of the UNet's graph and its external weight files, in name order. */
	@Override
	public String hash() throws IOException {
		return ModelHash.ofFolder(folder.resolve("unet"), name -> !name.endsWith(".json"));
	}

	@Override
	public synchronized void close() {
		textEncoder.close();
		unet.close();
		vaeDecoder.close();
		if (vaeEncoder != null) {
			vaeEncoder.close();
		}
	}
}
