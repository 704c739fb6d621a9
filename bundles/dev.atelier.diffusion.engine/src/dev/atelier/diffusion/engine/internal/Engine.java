package dev.atelier.diffusion.engine.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.UNetConfig;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.engine.ControlResiduals;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.engine.Emphasis;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;

/**
 * {@link DiffusionNetworks} over the networks, converting between PyTorch's channel planes and pixel rows. Each family's
 * text encoders are configured here, as diffusers' pipelines use them.
 */
public final class Engine implements DiffusionNetworks {

	private static final String TEXT_ENCODER = "text_encoder.";
	private static final String TEXT_ENCODER_2 = "text_encoder_2.";
	private static final String END_TOKEN = "<|endoftext|>";
	/** What OpenCLIP's tokenizer configurations (SD 2.x's, SDXL's tokenizer_2) pad with. */
	private static final String OPEN_CLIP_PAD = "!";
	private static final String FOLDER = "diffusers folder";

	private final Checkpoint checkpoint;
	private final Layers layers;
	private final List<TextEncoder> encoders;
	private final List<String> pads;
	private final UNet unet;
	private final Vae vae;
	private final int latentChannels;
	private final int unetInChannels;
	/** The weights LoRAs are merged into now, and what identifies those LoRAs. */
	private Set<String> merged = Set.of();
	private List<String> loraSignature = List.of();
	private ControlNetwork control;
	/** The UNet run of the current shape, captured; null until a run of it. */
	private StepGraph step;

	/**
	 * Whether UNet runs without a ControlNet, with every weight resident, are captured once and replayed
	 * ({@code -Datelier.diffusion.graphs=false} runs each one operation by operation, for comparison).
	 */
	private static final boolean GRAPHS = !"false".equals(System.getProperty("atelier.diffusion.graphs"));
	/** {@link #GRAPHS}, until a capture fails here. */
	private boolean graphs = GRAPHS;

	private Engine(Checkpoint checkpoint, Layers layers, List<TextEncoder> encoders, List<String> pads, UNet unet, Vae vae, int latentChannels,
			int unetInChannels) {
		this.checkpoint = checkpoint;
		this.layers = layers;
		this.encoders = encoders;
		this.pads = pads;
		this.unet = unet;
		this.vae = vae;
		this.latentChannels = latentChannels;
		this.unetInChannels = unetInChannels;
	}

	/** Why the checkpoint cannot run here, or null: its UNet must take the latent, or inpainting's latent, mask and masked latent. */
	public static String refusal(Checkpoint checkpoint) {
		int latent = checkpoint.vae().latentChannels();
		int in = checkpoint.unet().inChannels();
		if (in != latent && in != 2 * latent + 1) {
			return checkpoint.source() + ": the UNet takes " + in + " channels; the native engine runs UNets of the latent's " + latent
					+ " or inpainting's " + (2 * latent + 1) + " (latent, mask, masked image's latent)";
		}
		return null;
	}

	/** {@code weightBudget}: the bytes of weights held on the compute at once, {@link Layers#RESIDENT} for all of them. */
	public static Engine open(Checkpoint checkpoint, Compute compute, long weightBudget) {
		String refusal = refusal(checkpoint);
		if (refusal != null) {
			throw new UnsupportedOperationException(refusal);
		}
		long least = streamedBudget(checkpoint);
		if (weightBudget < least) {
			throw new IllegalArgumentException(checkpoint.source() + ": weights streamed through " + weightBudget + " bytes; its largest block needs "
					+ least / 2 + " (twice that to stream)");
		}
		Layers layers = new Layers(compute, checkpoint.source(), checkpoint.weights(), asF32(checkpoint), weightBudget);
		TextEncoderConfig first = encoder(checkpoint, TEXT_ENCODER);
		List<TextEncoder> encoders = new ArrayList<>();
		List<String> pads = new ArrayList<>();
		switch (checkpoint.family()) {
		case SD1 -> {
			encoders.add(new TextEncoder(layers, first, TEXT_ENCODER, Activation.QUICK_GELU, first.layers(), true, false));
			pads.add(END_TOKEN);
		}
		case SD2 -> {
			// the penultimate layer, final-normed: diffusers' converter drops a single file's last resblock, a folder's
			// text encoder was saved without it
			int run = FOLDER.equals(checkpoint.format()) ? first.layers() : first.layers() - 1;
			encoders.add(new TextEncoder(layers, first, TEXT_ENCODER, Activation.GELU, Math.max(run, 1), true, false));
			pads.add(OPEN_CLIP_PAD);
		}
		case SDXL -> {
			// StableDiffusionXLPipeline: hidden_states[-2] of each, not normed; the second's pooled output projected
			TextEncoderConfig second = encoder(checkpoint, TEXT_ENCODER_2);
			encoders.add(new TextEncoder(layers, first, TEXT_ENCODER, Activation.QUICK_GELU, Math.max(first.layers() - 1, 1), false, false));
			encoders.add(new TextEncoder(layers, second, TEXT_ENCODER_2, Activation.GELU, Math.max(second.layers() - 1, 1), false, true));
			pads.add(END_TOKEN);
			pads.add(OPEN_CLIP_PAD);
		}
		}
		return new Engine(checkpoint, layers, List.copyOf(encoders), List.copyOf(pads), new UNet(layers, checkpoint.unet(), checkpoint.family()),
				new Vae(layers, checkpoint.vae()), checkpoint.vae().latentChannels(), checkpoint.unet().inChannels());
	}

	/** See {@link DiffusionNetworks#open(Checkpoint, Compute)}: every weight stays on the compute. */
	public static Engine open(Checkpoint checkpoint, Compute compute) {
		return open(checkpoint, compute, Layers.RESIDENT);
	}

	/** See {@link DiffusionNetworks#streamedWeightBytes}. */
	public static long streamedBudget(Checkpoint checkpoint) {
		return Layers.streamedBudget(checkpoint, asF32(checkpoint));
	}

	/** See {@link DiffusionNetworks#residentWeightBytes}. */
	public static long residentBytes(Checkpoint checkpoint) {
		return Layers.residentBytes(checkpoint, asF32(checkpoint));
	}

	/**
	 * The weights held as F32 whatever their stored type. SDXL's VAE overflows half precision (diffusers upcasts it:
	 * force_upcast); a backend multiplies in F16 whenever the weights are not F32 (CUDA's patches into cuBLAS).
	 */
	private static Predicate<String> asF32(Checkpoint checkpoint) {
		return checkpoint.family() == Family.SDXL ? name -> name.startsWith("vae.") : name -> false;
	}

	private static TextEncoderConfig encoder(Checkpoint checkpoint, String prefix) {
		TextEncoderConfig c = checkpoint.textEncoders().get(prefix);
		if (c == null) {
			throw new IllegalArgumentException(checkpoint.source() + ": no text encoder (" + prefix + ") in the checkpoint");
		}
		return c;
	}

	@Override
	public int textLength() {
		return encoders.get(0).positions();
	}

	@Override
	public int textEncoders() {
		return encoders.size();
	}

	@Override
	public String padToken(int encoder) {
		return pads.get(encoder);
	}

	@Override
	public int contextWidth() {
		return encoders.stream().mapToInt(TextEncoder::width).sum();
	}

	@Override
	public int pooledWidth() {
		return encoders.stream().mapToInt(TextEncoder::pooledWidth).sum();
	}

	@Override
	public int latentChannels() {
		return latentChannels;
	}

	@Override
	public int unetInChannels() {
		return unetInChannels;
	}

	@Override
	public int vaeScale() {
		return vae.scale();
	}

	@Override
	public TextConditioning encodeText(float[] weights, int[]... ids) {
		if (weights != null && weights.length != textLength()) {
			throw new IllegalArgumentException(weights.length + " token weights for the text encoder's " + textLength() + " tokens");
		}
		if (ids.length != encoders.size()) {
			throw new IllegalArgumentException("this model has " + encoders.size() + " text encoder(s); " + ids.length + " token sequences were given");
		}
		int n = textLength();
		int width = contextWidth();
		float[] context = new float[n * width];
		float[] pooled = new float[pooledWidth()];
		int column = 0;
		int pooledAt = 0;
		for (int e = 0; e < ids.length; e++) {
			TextEncoder encoder = encoders.get(e);
			try (TextEncoder.Encoded out = encoder.encode(ids[e])) {
				float[] states = weights == null ? Layers.read(out.states()) : Emphasis.apply(Layers.read(out.states()), weights);
				int w = encoder.width();
				// side by side along the width, as torch.cat(…, dim=-1)
				for (int t = 0; t < n; t++) {
					System.arraycopy(states, t * w, context, t * width + column, w);
				}
				column += w;
				if (out.pooled() != null) {
					float[] p = Layers.read(out.pooled());
					System.arraycopy(p, 0, pooled, pooledAt, p.length);
					pooledAt += p.length;
				}
			}
		}
		return new TextConditioning(context, pooled);
	}

	@Override
	public float[] predict(float[] latents, int batch, int height, int width, float timestep, List<TextConditioning> texts, SizeConditioning sizes,
			List<ControlResiduals> residuals) {
		if (batch < 1 || texts.size() != batch || residuals != null && residuals.size() != batch) {
			throw new IllegalArgumentException(batch + " latents with " + texts.size() + " text conditionings and "
					+ (residuals == null ? "no" : residuals.size()) + " ControlNet residuals");
		}
		if (latents.length % batch != 0) {
			throw new IllegalArgumentException(latents.length + " latent values do not split into " + batch + " latents");
		}
		int per = latents.length / batch;
		int pixels = height * width;
		int channels = check("latent", Arrays.copyOf(latents, per), unetInChannels, height, width);
		int contextWidth = contextWidth();
		int n = tokens(texts.getFirst().context());
		float[] rows = new float[latents.length];
		float[] context = new float[batch * n * contextWidth];
		List<float[]> pooled = new ArrayList<>();
		for (int b = 0; b < batch; b++) {
			TextConditioning text = texts.get(b);
			if (text.context().length != n * contextWidth) {
				throw new IllegalArgumentException("the contexts of a batch differ in length: " + text.context().length + " values, not " + n * contextWidth);
			}
			if (text.pooled().length != pooledWidth()) {
				throw new IllegalArgumentException("the pooled text embedding has " + text.pooled().length + " values, not " + pooledWidth());
			}
			System.arraycopy(transpose(Arrays.copyOfRange(latents, b * per, (b + 1) * per), channels, pixels), 0, rows, b * per, per);
			System.arraycopy(text.context(), 0, context, b * n * contextWidth, n * contextWidth);
			pooled.add(text.pooled());
		}
		if (unet.takesSizes() && sizes == null) {
			throw new IllegalArgumentException("this UNet (SDXL) needs the size conditioning");
		}
		try (Tensor addition = unet.takesSizes() ? unet.additionInput(pooled, sizes.timeIds()) : null) {
			if (residuals != null || !graphs || layers.streamed()) {
				try (Tensor x = layers.upload(rows, batch * pixels, channels); Tensor c = layers.upload(context, batch * n, contextWidth);
						Tensor t = layers.upload(new float[] { timestep }, 1, 1); Tensor out = unet.predict(x, batch, height, width, t, c, addition, residuals)) {
					return planes(Layers.read(out), batch, pixels);
				}
			}
			StepShape shape = new StepShape(batch, height, width, n);
			if (step != null && !step.shape().equals(shape)) {
				dropStep();
			}
			if (step == null) {
				step = new StepGraph(shape, layers.allocate(batch * pixels, channels), layers.allocate(1, 1), layers.allocate(batch * n, contextWidth),
						addition == null ? null : layers.allocate(addition.rows(), addition.cols()));
				float[] first;
				try {
					step.write(rows, timestep, context, addition, layers.compute());
					// a run first: it puts every weight on the compute and leaves its temporaries' buffers for the capture
					try (Tensor out = step.run(unet, batch, height, width)) {
						first = Layers.read(out);
					}
				} catch (RuntimeException | Error e) {
					dropStep(); // half made: the next run starts over
					throw e;
				}
				try {
					step.capture(layers.compute(), unet, batch, height, width);
				} catch (RuntimeException e) {
					// the run's answer stands; this engine's later runs go eagerly
					dropStep();
					graphs = false;
					System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
							checkpoint.source() + ": UNet runs are not captured as graphs (" + layers.compute().description() + "): " + e.getMessage());
				}
				return planes(first, batch, pixels);
			}
			step.write(rows, timestep, context, addition, layers.compute());
			return planes(step.replay(), batch, pixels);
		}
	}

	/** Each image's prediction from pixel rows to channel planes. */
	private static float[] planes(float[] all, int batch, int pixels) {
		float[] planes = new float[all.length];
		int outPer = all.length / batch;
		for (int b = 0; b < batch; b++) {
			System.arraycopy(transpose(Arrays.copyOfRange(all, b * outPer, (b + 1) * outPer), pixels, outPer / pixels), 0, planes, b * outPer, outPer);
		}
		return planes;
	}

	/** Gives back the captured UNet run and its buffers (to the compute's cache, for the decoder or another shape). */
	private void dropStep() {
		if (step != null) {
			step.close();
			step = null;
		}
	}

	/** The inputs of a captured UNet run: the same shape replays the graph. */
	private record StepShape(int batch, int height, int width, int tokens) {
	}

	/**
	 * A UNet run captured as a graph (one CUDA Graph launch on a GPU in place of ≈ 1,000 kernel launches from Java), replayed
	 * at each step with its inputs written into the tensors it was captured with.
	 */
	private static final class StepGraph implements AutoCloseable {
		private final StepShape shape;
		private final Tensor sample;
		private final Tensor timestep;
		private final Tensor context;
		private final Tensor addition;
		private Compute.Graph graph;
		private Tensor out;

		StepGraph(StepShape shape, Tensor sample, Tensor timestep, Tensor context, Tensor addition) {
			this.shape = shape;
			this.sample = sample;
			this.timestep = timestep;
			this.context = context;
			this.addition = addition;
		}

		StepShape shape() {
			return shape;
		}

		void write(float[] rows, float t, float[] states, Tensor added, Compute compute) {
			sample.write(MemorySegment.ofArray(rows));
			timestep.write(MemorySegment.ofArray(new float[] { t }));
			context.write(MemorySegment.ofArray(states));
			if (added != null) {
				compute.copy(added, addition);
			}
		}

		Tensor run(UNet unet, int batch, int height, int width) {
			return unet.predict(sample, batch, height, width, timestep, context, addition, null);
		}

		void capture(Compute compute, UNet unet, int batch, int height, int width) {
			graph = compute.capture(() -> out = run(unet, batch, height, width));
		}

		float[] replay() {
			graph.replay();
			return Layers.read(out);
		}

		@Override
		public void close() {
			if (graph != null) {
				graph.close();
			}
			for (Tensor t : new Tensor[] { out, sample, timestep, context, addition }) {
				if (t != null) {
					t.close();
				}
			}
		}
	}

	/** The tokens of a context: a prompt of several chunks conditions on all their tokens. */
	private int tokens(float[] context) {
		int n = context.length / contextWidth();
		if (n == 0 || context.length % contextWidth() != 0) {
			throw new IllegalArgumentException("the context has " + context.length + " values, not a number of tokens × " + contextWidth());
		}
		return n;
	}

	@Override
	public void useControlNet(ControlNet net) {
		if (control != null && control.net() == net) {
			return;
		}
		if (control != null) {
			control.close();
			control = null;
		}
		if (net == null) {
			return;
		}
		UNetConfig own = checkpoint.unet();
		UNetConfig c = net.unet();
		if (checkpoint.family() != Family.SD1 || c.modelChannels() != own.modelChannels() || !Arrays.equals(c.channelMult(), own.channelMult())
				|| c.resBlocks() != own.resBlocks() || c.contextDim() != own.contextDim()) {
			throw new IllegalArgumentException(net.file() + ": a ControlNet of " + c + " does not fit " + checkpoint.source().getFileName() + " ("
					+ checkpoint.family().displayName() + ", " + own + "); ControlNets run with SD 1.x models of the same UNet shape");
		}
		control = new ControlNetwork(net, layers.compute());
	}

	@Override
	public ControlResiduals control(float[] latent, int height, int width, float timestep, TextConditioning text, float[] hint, float strength) {
		if (control == null) {
			throw new IllegalStateException("no ControlNet in use");
		}
		dropStep();
		check("latent", latent, latentChannels, height, width);
		int scale = vae.scale();
		check("control image", hint, 3, height * scale, width * scale);
		int n = tokens(text.context());
		try (Tensor x = layers.upload(transpose(latent, latentChannels, height * width), height * width, latentChannels);
				Tensor c = layers.upload(text.context(), n, contextWidth());
				Tensor h = layers.upload(transpose(hint, 3, height * width * scale * scale), height * width * scale * scale, 3)) {
			return control.residuals(x, height, width, timestep, c, h, strength);
		}
	}

	@Override
	public float[] decode(float[] latent, int height, int width) {
		dropStep();
		int channels = check("latent", latent, latentChannels, height, width);
		try (Tensor z = layers.upload(transpose(latent, channels, height * width), height * width, channels); Tensor image = vae.decode(z, height, width)) {
			return transpose(Layers.read(image), image.rows(), image.cols());
		}
	}

	@Override
	public float[] encodeImage(float[] image, int height, int width) {
		dropStep();
		int scale = vae.scale();
		if (height % scale != 0 || width % scale != 0) {
			throw new IllegalArgumentException("the VAE encodes images whose sides are multiples of " + scale + ", not " + width + "×" + height);
		}
		check("image", image, 3, height, width);
		try (Tensor x = layers.upload(transpose(image, 3, height * width), height * width, 3); Tensor moments = vae.encode(x, height, width)) {
			return transpose(Layers.read(moments), moments.rows(), moments.cols());
		}
	}

	private static int check(String what, float[] values, int channels, int height, int width) {
		if (height < 1 || width < 1 || values.length != channels * height * width) {
			throw new IllegalArgumentException("the " + what + " has " + values.length + " values, not " + channels + " × " + height + " × " + width);
		}
		return channels;
	}

	/** A row-major rows × cols matrix as cols × rows: PyTorch's channel planes to pixel rows and back. */
	static float[] transpose(float[] values, int rows, int cols) {
		float[] out = new float[values.length];
		for (int r = 0; r < rows; r++) {
			for (int c = 0; c < cols; c++) {
				out[c * rows + r] = values[r * cols + c];
			}
		}
		return out;
	}

	/**
	 * Merges {@code loras} into the weights they change (each weight re-read from the checkpoint, then
	 * {@code W + Σ weight · alpha/rank · up·down}), and gives back the checkpoint's own values of those merged for the
	 * previous set that this one leaves alone. The same set again (files unchanged) merges nothing.
	 */
	@Override
	public void useLoras(List<Lora.Applied> loras) throws CheckpointException {
		List<String> signature = new ArrayList<>();
		for (Lora.Applied a : loras) {
			signature.add(signature(a));
		}
		if (signature.equals(loraSignature)) {
			return;
		}
		dropStep(); // the graph reads the weights it was captured with
		Map<String, List<Lora.Applied>> byWeight = new LinkedHashMap<>();
		for (Lora.Applied a : loras) {
			for (Lora.Module m : a.lora().modules()) {
				byWeight.computeIfAbsent(m.weight(), w -> new ArrayList<>()).add(a);
			}
		}
		try {
			for (String name : merged) {
				if (!byWeight.containsKey(name)) {
					layers.restore(name);
				}
			}
			merged = new LinkedHashSet<>(byWeight.keySet());
			loraSignature = List.of();
			for (Map.Entry<String, List<Lora.Applied>> e : byWeight.entrySet()) {
				float[] values = layers.stored(e.getKey()).toFloats();
				for (Lora.Applied a : e.getValue()) {
					for (Lora.Module m : a.lora().modules()) {
						if (m.weight().equals(e.getKey())) {
							m.addTo(values, a.weightOf(m));
						}
					}
				}
				layers.replace(e.getKey(), values);
			}
			loraSignature = signature;
		} catch (CheckpointException | RuntimeException e) {
			// half merged is no model: back to the checkpoint's own weights
			merged.forEach(layers::restore);
			merged = Set.of();
			throw e;
		}
	}

	/** The weights as the networks use them (with the LoRAs merged). */
	Layers layers() {
		return layers;
	}

	/** What identifies a LoRA at its weights: the file, its size and time (an edited file merges again), the weights. */
	private static String signature(Lora.Applied a) {
		Path file = a.lora().file().toAbsolutePath();
		String stamp;
		try {
			stamp = Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
		} catch (IOException e) {
			stamp = "unreadable " + System.identityHashCode(a);
		}
		return file + "|" + stamp + "|" + a.textWeight() + "|" + a.unetWeight();
	}

	/** The type weight {@code name} is held in on the compute (uploaded on this first use). */
	TensorType heldType(String name) {
		return layers.weight(name).type();
	}

	@Override
	public void close() {
		dropStep();
		useControlNet(null);
		layers.close();
	}
}
