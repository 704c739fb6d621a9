package dev.atelier.diffusion.engine.internal;

import java.util.Map;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.engine.DiffusionNetworks;

/** {@link DiffusionNetworks} over the three networks, converting between PyTorch's channel planes and pixel rows. */
public final class Engine implements DiffusionNetworks {

	private static final String TEXT_ENCODER = "text_encoder.";

	private final Layers layers;
	private final TextEncoder text;
	private final UNet unet;
	private final Vae vae;
	private final int latentChannels;

	private Engine(Layers layers, TextEncoder text, UNet unet, Vae vae, int latentChannels) {
		this.layers = layers;
		this.text = text;
		this.unet = unet;
		this.vae = vae;
		this.latentChannels = latentChannels;
	}

	/** Why the checkpoint cannot run here yet, or null. */
	public static String refusal(Checkpoint checkpoint) {
		if (checkpoint.family() != Family.SD1 || checkpoint.inpainting()) {
			return checkpoint.source() + ": " + checkpoint.family().displayName() + (checkpoint.inpainting() ? " inpainting" : "")
					+ " checkpoints do not run on the native engine yet (SD 1.x does)";
		}
		return null;
	}

	public static Engine open(Checkpoint checkpoint, Compute compute) {
		String refusal = refusal(checkpoint);
		if (refusal != null) {
			throw new UnsupportedOperationException(refusal);
		}
		Map<String, TextEncoderConfig> encoders = checkpoint.textEncoders();
		TextEncoderConfig clip = encoders.get(TEXT_ENCODER);
		if (clip == null) {
			throw new IllegalArgumentException(checkpoint.source() + ": no text encoder (" + TEXT_ENCODER + ") in the checkpoint");
		}
		Layers layers = new Layers(compute, checkpoint);
		return new Engine(layers, new TextEncoder(layers, clip, TEXT_ENCODER), new UNet(layers, checkpoint.unet(), checkpoint.family()),
				new Vae(layers, checkpoint.vae()), checkpoint.vae().latentChannels());
	}

	@Override
	public int textLength() {
		return text.positions();
	}

	@Override
	public int contextWidth() {
		return text.width();
	}

	@Override
	public int latentChannels() {
		return latentChannels;
	}

	@Override
	public int vaeScale() {
		return vae.scale();
	}

	@Override
	public float[] encodeText(int[] ids) {
		try (Tensor hidden = text.encode(ids)) {
			return Layers.read(hidden);
		}
	}

	@Override
	public float[] predict(float[] latent, int height, int width, float timestep, float[] context) {
		int channels = check("latent", latent, latentChannels, height, width);
		if (context.length != text.positions() * text.width()) {
			throw new IllegalArgumentException("the context has " + context.length + " values, not " + text.positions() + " tokens × " + text.width());
		}
		try (Tensor x = layers.upload(transpose(latent, channels, height * width), height * width, channels);
				Tensor c = layers.upload(context, text.positions(), text.width()); Tensor out = unet.predict(x, height, width, timestep, c)) {
			return transpose(Layers.read(out), height * width, out.cols());
		}
	}

	@Override
	public float[] decode(float[] latent, int height, int width) {
		int channels = check("latent", latent, latentChannels, height, width);
		try (Tensor z = layers.upload(transpose(latent, channels, height * width), height * width, channels); Tensor image = vae.decode(z, height, width)) {
			return transpose(Layers.read(image), image.rows(), image.cols());
		}
	}

	@Override
	public float[] encodeImage(float[] image, int height, int width) {
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

	@Override
	public void close() {
		layers.close();
	}
}
