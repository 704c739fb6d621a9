package dev.atelier.diffusion.engine;

import java.util.Optional;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.engine.internal.Engine;

/**
 * A checkpoint's text encoder, UNet and VAE decoder on the compute runtime: Atelier's native Stable Diffusion engine,
 * equal to diffusers' modules within float tolerance. Arrays are in PyTorch's layouts without the batch dimension:
 * latents {@code [channels][height][width]}, text states {@code [tokens][width]}, images {@code [3][height][width]}
 * with values around [−1, 1]. Runs today on the CPU backend (the CUDA backend's kernels for these operations are not
 * built yet) and for SD 1.x checkpoints.
 */
public interface DiffusionNetworks extends AutoCloseable {

	/**
	 * The networks of {@code checkpoint} on {@code compute}, whose lease must hold the weights as stored plus a step's
	 * activations. Weights are read from the checkpoint's mapped files as they are first used, so the checkpoint must
	 * stay open while these are.
	 *
	 * @throws UnsupportedOperationException for a family this engine does not run yet (SD 2.x, SDXL, inpainting)
	 */
	static DiffusionNetworks open(Checkpoint checkpoint, Compute compute) {
		return Engine.open(checkpoint, compute);
	}

	/** Why {@code checkpoint} cannot run on this engine yet, naming its file and family; empty where it can. */
	static Optional<String> refusal(Checkpoint checkpoint) {
		return Optional.ofNullable(Engine.refusal(checkpoint));
	}

	/** Token ids the text encoder takes at once (77). */
	int textLength();

	/** The width of the text encoder's states, the UNet's cross-attention context. */
	int contextWidth();

	int latentChannels();

	/** How many times larger the decoded image is than the latent (8 for SD). */
	int vaeScale();

	/** The last hidden states ({@code [textLength][contextWidth]}) of {@link #textLength()} token ids. */
	float[] encodeText(int[] ids);

	/**
	 * The UNet's prediction (the noise, for an ε-prediction model) for {@code latent} ({@code [channels][height][width]},
	 * already scaled as the scheduler gives it) at {@code timestep}, with {@code context} from {@link #encodeText}.
	 */
	float[] predict(float[] latent, int height, int width, float timestep, float[] context);

	/** The image {@code [3][height·scale][width·scale]} of an unscaled latent (divided by the VAE's scaling factor). */
	float[] decode(float[] latent, int height, int width);

	/**
	 * The VAE encoder's latent distribution of an image ({@code [3][height][width]}, values in [−1, 1], sides multiples
	 * of {@link #vaeScale()}): {@code [2·channels][height/scale][width/scale]}, the mean's channels then the
	 * log-variance's, unscaled.
	 */
	float[] encodeImage(float[] image, int height, int width);

	/** Frees every tensor on the compute; the compute and the checkpoint stay open. */
	@Override
	void close();
}
