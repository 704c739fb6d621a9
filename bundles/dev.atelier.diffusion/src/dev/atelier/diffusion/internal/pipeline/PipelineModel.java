package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.internal.scheduler.Scheduler;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * The networks a {@link StableDiffusion} pipeline runs, and what it needs to know of them: ONNX graphs
 * ({@link DiffusionModel}) or the native engine on a checkpoint file ({@link CheckpointModel}). Arrays are in PyTorch's
 * layouts: latents {@code [batch][channels][height][width]}, conditioning rows {@code [n][chunks·77·width + extra]}, images
 * {@code [3][height][width]} with values around [−1, 1]. Errors name the file.
 */
public interface PipelineModel extends AutoCloseable {

	/** The model's name as AUTOMATIC1111 writes it. */
	String name();

	/** AUTOMATIC1111's short model hash (10 hex digits). */
	String hash() throws IOException;

	ClipTokenizer tokenizer();

	SchedulerConfig schedulerConfig();

	/** The sampler's schedule of {@code steps} on {@link #schedulerConfig()}; steps that config cannot give are refused saying why. */
	default Scheduler scheduler(Sampler sampler, int steps) {
		return Scheduler.create(sampler, schedulerConfig(), steps);
	}

	double scalingFactor();

	int latentChannels();

	/** The channels the UNet takes: the latent's, or an inpainting UNet's latent, mask and masked image's latent. */
	default int unetInChannels() {
		return latentChannels();
	}

	/**
	 * The conditioning of one prompt given as its chunks ({@link ClipTokenizer#chunks}): the text states the UNet attends
	 * to, each chunk's 77 × width weighted as AUTOMATIC1111 weights them, one chunk after another; then whatever else the
	 * model conditions on (SDXL's pooled text embedding, of the first chunk). {@link #predict} takes these rows back.
	 */
	float[] encodeText(List<ClipTokenizer.Chunk> chunks) throws IOException;

	/** How many chunks of 77 tokens the UNet takes at most (an ONNX graph may fix its sequence length). */
	default int maxChunks() {
		return Integer.MAX_VALUE;
	}

	/**
	 * Whether an empty negative prompt conditions with zeros instead of its encoding (SDXL base's
	 * {@code force_zeros_for_empty_prompt}).
	 */
	default boolean zerosForEmptyNegativePrompt() {
		return false;
	}

	/**
	 * The UNet's output ({@link #latentChannels()} per image) for {@code batch} inputs of {@link #unetInChannels()} at
	 * {@code height × width} and {@code timestep}, with one conditioning row per input, each of {@code tokens} text
	 * states (77 per chunk) and the model's extras.
	 */
	float[] predict(float[] latents, int batch, int height, int width, double timestep, float[] context, int tokens) throws IOException;

	/**
	 * Merges these LoRAs into the model from now on (in place of those before; none gives the model's own weights back).
	 *
	 * @throws IOException naming the LoRA file that cannot be used, or the model where it takes no LoRA
	 */
	default void useLoras(List<LoraUse> loras) throws IOException {
		if (!loras.isEmpty()) {
			throw new IOException(name() + ": LoRAs (" + loras.getFirst().name() + ") are merged into checkpoint files on Atelier's engine, not into ONNX pipelines");
		}
	}

	/**
	 * Runs ControlNet {@code file} with control image {@code hint} ({@code [3][height][width]}, values in [0, 1], the
	 * generation's size) from now on, in place of the one before; a null file for none.
	 *
	 * @throws IOException naming the ControlNet's file where it cannot be read or does not fit the model, or the model
	 *                     where it takes no ControlNet
	 */
	default void useControlNet(Path file, float[] hint) throws IOException {
		if (file != null) {
			throw new IOException(name() + ": ControlNets (" + file.getFileName() + ") run with checkpoint files on Atelier's engine, not with ONNX pipelines");
		}
	}

	/**
	 * {@link #predict(float[], int, int, int, double, float[], int)} with the ControlNet of {@link #useControlNet}'s
	 * residuals, scaled by {@code controlStrength}, added (for every input: the unconditional ones too).
	 */
	default float[] predict(float[] latents, int batch, int height, int width, double timestep, float[] context, int tokens, double controlStrength)
			throws IOException {
		throw new IOException(name() + " takes no ControlNet");
	}

	/** The time the UNet has taken so far, for the pipeline's overhead figure. */
	Duration unetTime();

	/** The image (8 times the latent's size) of one latent, already divided by the scaling factor. */
	float[] decode(float[] latent, int height, int width) throws IOException;

	/**
	 * The VAE encoder's output for an image: the latent's mean then its log-variance (twice the latent channels), or the
	 * latent itself.
	 */
	float[] encodeImage(float[] pixels, int height, int width) throws IOException;

	@Override
	void close();
}
