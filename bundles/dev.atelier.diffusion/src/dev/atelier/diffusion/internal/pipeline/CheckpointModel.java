package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.diffusion.engine.ControlResiduals;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.diffusion.internal.DiffusionWorkload;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * A checkpoint file (or diffusers safetensors folder) run by the native engine on the compute runtime: its networks
 * one image at a time, the scheduler configuration its family releases (a folder's own scheduler_config.json), the
 * family's latent scaling. A prompt's conditioning row is the text states, then SDXL's pooled embedding; SDXL's size
 * conditioning is diffusers' default for the image (original and target size the image's, no crop).
 */
public final class CheckpointModel implements PipelineModel {

	/** SD 1.x's and 2.x's latent scaling (their VAE's scaling_factor). */
	private static final double SCALING = 0.18215;
	/** SDXL's VAE's scaling_factor. */
	private static final double SDXL_SCALING = 0.13025;

	private final Checkpoint checkpoint;
	private final DiffusionNetworks networks;
	private final ClipTokenizer tokenizer;
	private final SchedulerConfig schedulerConfig;
	private final AutoCloseable release;
	private long unetNanos;
	private ControlNet control;
	private String controlStamp = "";
	private float[] hint;

	private CheckpointModel(Checkpoint checkpoint, DiffusionNetworks networks, ClipTokenizer tokenizer, SchedulerConfig schedulerConfig,
			AutoCloseable release) {
		this.checkpoint = checkpoint;
		this.networks = networks;
		this.tokenizer = tokenizer;
		this.schedulerConfig = schedulerConfig;
		this.release = release;
	}

	/** Checkpoint files and diffusers folders of safetensors weights; ONNX pipeline folders are {@link DiffusionModel}'s. */
	public static boolean isCheckpoint(Path model) {
		return Files.isRegularFile(model) || (Files.isDirectory(model.resolve("unet")) && !Files.exists(model.resolve("unet/model.onnx")));
	}

	/**
	 * Opens {@code model} (its VAE replaced by {@code vae} where not null) onto {@code compute}; {@code release} (the
	 * compute, its context and lease) is closed with the model, or at once when opening fails.
	 *
	 * @throws IOException naming the file: unreadable, incomplete, or a family the engine does not run yet
	 */
	public static CheckpointModel open(Path model, Path vae, Compute compute, AutoCloseable release, ClipTokenizer tokenizer) throws IOException {
		return open(model, vae, compute, Long.MAX_VALUE, release, tokenizer);
	}

	/** What the engine holds of a checkpoint's weights on the compute: all of them, or at least, streamed. */
	public record WeightBytes(long resident, long streamed) {
	}

	/** {@link WeightBytes} of {@code model}, read from its tensors' headers. */
	public static WeightBytes weightBytes(Path model) throws IOException {
		try (Checkpoint checkpoint = Checkpoint.open(model, null)) {
			return new WeightBytes(DiffusionNetworks.residentWeightBytes(checkpoint), DiffusionNetworks.streamedWeightBytes(checkpoint));
		}
	}

	/**
	 * {@link #open(Path, Path, Compute, AutoCloseable, ClipTokenizer)} with at most {@code weightBudget} bytes of weights
	 * on the compute at once: {@link DiffusionNetworks#open(Checkpoint, Compute, long) streamed} below what all of them take.
	 */
	public static CheckpointModel open(Path model, Path vae, Compute compute, long weightBudget, AutoCloseable release, ClipTokenizer tokenizer)
			throws IOException {
		Checkpoint checkpoint = null;
		try {
			checkpoint = Checkpoint.open(model, vae);
			Path schedulerFile = model.resolve("scheduler/scheduler_config.json");
			SchedulerConfig scheduler = Files.isDirectory(model) && Files.isRegularFile(schedulerFile) ? SchedulerConfig.read(schedulerFile)
					: SchedulerConfig.release(checkpoint.family(), checkpoint.prediction());
			return new CheckpointModel(checkpoint, DiffusionNetworks.open(checkpoint, compute, weightBudget), tokenizer, scheduler, release);
		} catch (IOException | RuntimeException e) {
			if (checkpoint != null) {
				checkpoint.close();
			}
			close(release);
			if (e instanceof UnsupportedOperationException) {
				throw new IOException(e.getMessage(), e);
			}
			throw e;
		}
	}

	@Override
	public String name() {
		String file = checkpoint.source().getFileName().toString();
		return Files.isDirectory(checkpoint.source()) ? file : file.replaceFirst("\\.[^.]+$", "");
	}

	/** Of the file itself, as AUTOMATIC1111's sha256 of a checkpoint; of the UNet's weight files in a folder. */
	@Override
	public String hash() throws IOException {
		Path source = checkpoint.source();
		if (!Files.isDirectory(source)) {
			return ModelHash.of(List.of(source));
		}
		return ModelHash.ofFolder(source.resolve("unet"), name -> name.endsWith(".safetensors"));
	}

	@Override
	public ClipTokenizer tokenizer() {
		return tokenizer;
	}

	@Override
	public SchedulerConfig schedulerConfig() {
		return schedulerConfig;
	}

	@Override
	public double scalingFactor() {
		return checkpoint.family() == Family.SDXL ? SDXL_SCALING : SCALING;
	}

	/** SDXL base's release sets diffusers' force_zeros_for_empty_prompt. */
	@Override
	public boolean zerosForEmptyNegativePrompt() {
		return checkpoint.family() == Family.SDXL;
	}

	@Override
	public int latentChannels() {
		return networks.latentChannels();
	}

	@Override
	public int unetInChannels() {
		return networks.unetInChannels();
	}

	@Override
	public float[] encodeText(List<ClipTokenizer.Chunk> chunks) {
		int states = networks.textLength() * networks.contextWidth();
		float[] out = new float[chunks.size() * states + networks.pooledWidth()];
		for (int c = 0; c < chunks.size(); c++) {
			ClipTokenizer.Chunk chunk = chunks.get(c);
			int[][] perEncoder = new int[networks.textEncoders()][];
			for (int e = 0; e < perEncoder.length; e++) {
				perEncoder[e] = tokenizer.padded(chunk.ids(), networks.padToken(e));
			}
			TextConditioning t = networks.encodeText(chunk.weights(), perEncoder);
			System.arraycopy(t.context(), 0, out, c * states, states);
			if (c == 0) {
				// AUTOMATIC1111 pools the first chunk
				float[] pooled = t.pooled();
				System.arraycopy(pooled, 0, out, chunks.size() * states, pooled.length);
			}
		}
		return out;
	}

	@Override
	public float[] predict(float[] latents, int batch, int height, int width, double timestep, float[] context, int tokens) {
		return predict(latents, batch, height, width, timestep, context, tokens, 0);
	}

	@Override
	public float[] predict(float[] latents, int batch, int height, int width, double timestep, float[] context, int tokens, double controlStrength) {
		if (controlStrength != 0 && control == null) {
			throw new IllegalStateException("no ControlNet in use");
		}
		long start = System.nanoTime();
		int per = latents.length / batch;
		// an inpainting UNet takes more channels than the latent it predicts for
		int outPer = networks.latentChannels() * height * width;
		int states = tokens * networks.contextWidth();
		int one = states + networks.pooledWidth();
		SizeConditioning sizes = SizeConditioning.of(height * networks.vaeScale(), width * networks.vaeScale());
		// up to the rows the lease holds activations for, every run of one size (the last filled up with copies of its
		// last row), so that each replays one captured graph
		int most = DiffusionWorkload.ENGINE_UNET_ROWS;
		int runs = (batch + most - 1) / most;
		int size = (batch + runs - 1) / runs;
		float[] out = new float[batch * outPer];
		for (int first = 0; first < batch; first += size) {
			int rows = Math.min(size, batch - first);
			float[] input = new float[size * per];
			System.arraycopy(latents, first * per, input, 0, rows * per);
			List<TextConditioning> texts = new ArrayList<>();
			List<ControlResiduals> residuals = controlStrength == 0 ? null : new ArrayList<>();
			for (int b = first; b < first + rows; b++) {
				TextConditioning c = new TextConditioning(Arrays.copyOfRange(context, b * one, b * one + states),
						Arrays.copyOfRange(context, b * one + states, (b + 1) * one));
				texts.add(c);
				if (residuals != null) {
					// the ControlNet takes the latent alone (an inpainting UNet's input begins with it)
					residuals.add(networks.control(Arrays.copyOfRange(latents, b * per, b * per + outPer), height, width, (float) timestep, c, hint,
							(float) controlStrength));
				}
			}
			for (int i = rows; i < size; i++) {
				System.arraycopy(input, (rows - 1) * per, input, i * per, per);
				texts.add(texts.getLast());
				if (residuals != null) {
					residuals.add(residuals.getLast());
				}
			}
			float[] predicted = networks.predict(input, size, height, width, (float) timestep, texts, sizes, residuals);
			System.arraycopy(predicted, 0, out, first * outPer, rows * outPer);
		}
		unetNanos += System.nanoTime() - start;
		return out;
	}

	@Override
	public void useControlNet(Path file, float[] hint) throws IOException {
		if (control != null && file != null && control.file().equals(file) && controlStamp.equals(stamp(file))) {
			this.hint = hint;
			return;
		}
		dropControlNet();
		if (file == null) {
			return;
		}
		ControlNet net = ControlNet.open(file);
		try {
			networks.useControlNet(net);
		} catch (IllegalArgumentException e) {
			net.close();
			throw new IOException(e.getMessage(), e);
		}
		control = net;
		controlStamp = stamp(file);
		this.hint = hint;
	}

	/** What tells an edited ControlNet file from the one open: its size and time. */
	private static String stamp(Path file) throws IOException {
		return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
	}

	private void dropControlNet() {
		networks.useControlNet(null);
		if (control != null) {
			control.close();
			control = null;
		}
		hint = null;
	}

	@Override
	public void useLoras(List<LoraUse> loras) throws IOException {
		List<Lora> opened = new ArrayList<>();
		try {
			List<Lora.Applied> applied = new ArrayList<>();
			for (LoraUse use : loras) {
				Lora lora = Lora.open(use.file(), checkpoint);
				opened.add(lora);
				applied.add(new Lora.Applied(lora, use.textWeight(), use.unetWeight()));
			}
			networks.useLoras(applied);
		} finally {
			opened.forEach(Lora::close);
		}
	}

	@Override
	public Duration unetTime() {
		return Duration.ofNanos(unetNanos);
	}

	@Override
	public float[] decode(float[] latent, int height, int width) {
		return networks.decode(latent, height, width);
	}

	@Override
	public float[] encodeImage(float[] pixels, int height, int width) {
		return networks.encodeImage(pixels, height, width);
	}

	@Override
	public void close() {
		dropControlNet();
		networks.close();
		checkpoint.close();
		close(release);
	}

	private static void close(AutoCloseable resource) {
		try {
			resource.close();
		} catch (Exception e) {
			throw new IllegalStateException("cannot free the engine's compute: " + e.getMessage(), e);
		}
	}
}
