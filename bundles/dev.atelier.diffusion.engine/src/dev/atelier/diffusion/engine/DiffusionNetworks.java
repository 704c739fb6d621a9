package dev.atelier.diffusion.engine;

import java.util.List;
import java.util.Optional;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.diffusion.engine.internal.Engine;

/**
 * A checkpoint's text encoders, UNet and VAE on the compute runtime: Atelier's native Stable Diffusion engine, equal to
 * diffusers' modules within float tolerance, for SD 1.x, SD 2.x (ε and v-prediction alike: the prediction is the
 * scheduler's business) and SDXL base. Arrays are in PyTorch's layouts without the batch dimension: latents
 * {@code [channels][height][width]}, text states {@code [tokens][width]}, images {@code [3][height][width]} with values
 * around [−1, 1]. Runs today on the CPU backend (the CUDA backend's kernels for these operations are not built yet);
 * inpainting UNets (9 channels in) are run as diffusers' StableDiffusionInpaintPipeline feeds them.
 */
public interface DiffusionNetworks extends AutoCloseable {

	/**
	 * The networks of {@code checkpoint} on {@code compute}, whose lease must hold the weights as stored plus a step's
	 * activations. Weights are read from the checkpoint's mapped files as they are first used, so the checkpoint must
	 * stay open while these are.
	 *
	 * @throws UnsupportedOperationException for what this engine does not run (a UNet taking other channels than the
	 *                                       latent's or inpainting's)
	 */
	static DiffusionNetworks open(Checkpoint checkpoint, Compute compute) {
		return Engine.open(checkpoint, compute);
	}

	/**
	 * {@link #open(Checkpoint, Compute)} in the streamed mode, for a device too small to hold every weight: at most
	 * {@code weightBudget} bytes of weights (at least {@link #streamedWeightBytes}) are on the compute at once, each
	 * block's uploaded before it runs from the checkpoint's mapped file, the least recently used let go to make room.
	 * The text encoders' lookup tables stay in host memory; only the rows a prompt uses go to the compute. Outputs are
	 * those of the resident mode: the same kernels on the same weights.
	 *
	 * @throws IllegalArgumentException naming the file when {@code weightBudget} is below {@link #streamedWeightBytes}
	 */
	static DiffusionNetworks open(Checkpoint checkpoint, Compute compute, long weightBudget) {
		return Engine.open(checkpoint, compute, weightBudget);
	}

	/** The least weight budget the streamed mode runs {@code checkpoint} in: twice its largest block (one running, the next coming). */
	static long streamedWeightBytes(Checkpoint checkpoint) {
		return Engine.streamedBudget(checkpoint);
	}

	/** The bytes all of {@code checkpoint}'s weights take on the compute, as the resident mode holds them. */
	static long residentWeightBytes(Checkpoint checkpoint) {
		return Engine.residentBytes(checkpoint);
	}

	/** Why {@code checkpoint} cannot run on this engine yet, naming its file and family; empty where it can. */
	static Optional<String> refusal(Checkpoint checkpoint) {
		return Optional.ofNullable(Engine.refusal(checkpoint));
	}

	/** Token ids each text encoder takes at once (77). */
	int textLength();

	/** How many token sequences {@link #encodeText} takes: one per text encoder (SDXL has two). */
	int textEncoders();

	/**
	 * The token that pads encoder {@code encoder}'s ids after the end token, as its released tokenizer does: the end
	 * token {@code <|endoftext|>} for OpenAI's CLIP (SD 1.x, SDXL's first encoder), {@code !} for the OpenCLIP encoders
	 * (SD 2.x, SDXL's second). It matters: the causal encoders' states at the padding differ, and they are context.
	 */
	String padToken(int encoder);

	/** The width of the text states, the UNet's cross-attention context (SDXL: both encoders' widths side by side). */
	int contextWidth();

	/** The width of the pooled text embedding the UNet takes (SDXL), 0 without. */
	int pooledWidth();

	int latentChannels();

	/**
	 * The channels {@link #predict} takes: {@link #latentChannels()}, or for an inpainting UNet the latent's, then the
	 * mask's one, then the masked image's latent (9), as diffusers concatenates them.
	 */
	int unetInChannels();

	/** How many times larger the decoded image is than the latent (8 for SD). */
	int vaeScale();

	/**
	 * The conditioning of one prompt, given as {@link #textEncoders()} sequences of {@link #textLength()} token ids,
	 * each padded with its encoder's {@link #padToken}: the states each family conditions on (SD 1.x: the last layer's,
	 * final-normed; SD 2.x: the penultimate layer's, final-normed; SDXL: both encoders' penultimate layers', side by
	 * side) and SDXL's pooled embedding.
	 */
	default TextConditioning encodeText(int[]... ids) {
		return encodeText(null, ids);
	}

	/**
	 * {@link #encodeText(int[]...)} with a weight per token ({@link #textLength()} of them; null for none), each encoder's
	 * states emphasised as AUTOMATIC1111 does it ({@link Emphasis}) before they are put side by side; the pooled embedding
	 * is not weighted.
	 */
	TextConditioning encodeText(float[] weights, int[]... ids);

	/**
	 * The UNet's prediction (the noise, or v for a v-prediction model; {@link #latentChannels()} channels) for
	 * {@code latent} ({@code [unetInChannels][height][width]}, already scaled as the scheduler gives it) at {@code timestep}, with
	 * {@code text} from {@link #encodeText} (or several of its contexts one after another: a long prompt's chunks); {@code sizes} is SDXL's size conditioning (required there, ignored by SD
	 * 1.x and 2.x, which may pass null).
	 */
	default float[] predict(float[] latent, int height, int width, float timestep, TextConditioning text, SizeConditioning sizes) {
		return predict(latent, height, width, timestep, text, sizes, null);
	}

	/** {@link #predict(float[], int, int, float, TextConditioning, SizeConditioning)} with a ControlNet's {@code residuals} (null for none). */
	default float[] predict(float[] latent, int height, int width, float timestep, TextConditioning text, SizeConditioning sizes,
			ControlResiduals residuals) {
		return predict(latent, 1, height, width, timestep, List.of(text), sizes, residuals == null ? null : List.of(residuals));
	}

	/**
	 * The predictions for {@code batch} latents one after another, as one run of the UNet: latent i with {@code texts[i]}
	 * (all of one length) and {@code residuals[i]} (null for no ControlNet), every one at {@code timestep} and of the
	 * same size. Each equals {@link #predict(float[], int, int, float, TextConditioning, SizeConditioning,
	 * ControlResiduals)} of that latent alone within float rounding; a GPU runs them together (CFG's two rows, a batch's
	 * images).
	 */
	float[] predict(float[] latents, int batch, int height, int width, float timestep, List<TextConditioning> texts, SizeConditioning sizes,
			List<ControlResiduals> residuals);

	/**
	 * Runs {@code net} for {@link #control} from now on, in place of the one before (null: none). The ControlNet must stay
	 * open while it is used; its weights go onto the compute as they are first used, and are freed when another is given.
	 *
	 * @throws IllegalArgumentException naming the ControlNet's file where it does not fit this model (another family,
	 *                                  other channels or context width)
	 */
	void useControlNet(ControlNet net);

	/**
	 * The ControlNet's residuals for {@code latent} ({@code [latentChannels][height][width]}, as {@link #predict} gets it)
	 * with {@code text}, and {@code hint} ({@code [3][height·scale][width·scale]}, values in [0, 1]), scaled by
	 * {@code strength}.
	 */
	ControlResiduals control(float[] latent, int height, int width, float timestep, TextConditioning text, float[] hint, float strength);

	/** The image {@code [3][height·scale][width·scale]} of an unscaled latent (divided by the VAE's scaling factor). */
	float[] decode(float[] latent, int height, int width);

	/**
	 * The VAE encoder's latent distribution of an image ({@code [3][height][width]}, values in [−1, 1], sides multiples
	 * of {@link #vaeScale()}): {@code [2·channels][height/scale][width/scale]}, the mean's channels then the
	 * log-variance's, unscaled.
	 */
	float[] encodeImage(float[] image, int height, int width);

	/**
	 * Runs with {@code loras} (opened against this checkpoint) merged into the weights from now on, in place of the LoRAs
	 * given before; an empty list gives back the checkpoint's own weights. The checkpoint's file is never changed; the
	 * LoRAs may be closed once this returns.
	 *
	 * @throws CheckpointException naming a LoRA file whose factors cannot be read; the checkpoint's own weights are used then
	 */
	void useLoras(List<Lora.Applied> loras) throws CheckpointException;

	/** Frees every tensor on the compute; the compute and the checkpoint stay open. */
	@Override
	void close();
}
