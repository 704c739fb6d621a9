package dev.atelier.diffusion.engine.internal;

import java.util.ArrayList;
import java.util.List;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.engine.ControlResiduals;

/**
 * diffusers' ControlNetModel: the hint image through its embedding (convolutions with SiLU between, three of them
 * strided, so it lands on the latent's grid), added to conv_in's output of the UNet's encoder half, whose skip
 * connections and middle block output each go through a 1×1 zero convolution and are scaled by the strength.
 */
final class ControlNetwork implements AutoCloseable {

	private final ControlNet net;
	private final Layers layers;
	private final UNet unet;

	ControlNetwork(ControlNet net, Compute compute) {
		this.net = net;
		this.layers = new Layers(compute, net.file(), net.weights(), name -> false);
		this.unet = new UNet(layers, net.unet(), Family.SD1);
	}

	ControlNet net() {
		return net;
	}

	/** The residuals for a latent (pixel rows) and {@code hint} (image pixel rows, values in [0, 1], 8× the latent's sides). */
	ControlResiduals residuals(Tensor sample, int height, int width, float timestep, Tensor context, Tensor hint, float scale) {
		List<float[]> down = new ArrayList<>();
		float[] mid;
		try (Tensor t = layers.upload(new float[] { timestep }, 1, 1); Tensor time = unet.timeEmbedding(t, null);
				Tensor embedded = embedHint(hint, height * 8, width * 8)) {
			if (embedded.rows() != height * width) {
				throw new IllegalArgumentException(net.file() + ": the hint embedding comes out at " + embedded.rows() + " pixels for the latent's "
						+ height * width);
			}
			List<Tensor> encoded = unet.encode(sample, 1, height, width, time, context, embedded);
			try {
				for (int i = 0; i < encoded.size() - 1; i++) {
					down.add(zeroConv("controlnet_down_blocks." + i, encoded.get(i), scale));
				}
				mid = zeroConv("controlnet_mid_block", encoded.getLast(), scale);
			} finally {
				encoded.forEach(Tensor::close);
			}
		}
		return new ControlResiduals(down, mid);
	}

	/** controlnet_cond_embedding: conv_in, SiLU, per block a convolution (odd ones stride 2) and SiLU, conv_out. */
	private Tensor embedHint(Tensor hint, int height, int width) {
		String p = "controlnet_cond_embedding.";
		Tensor x = layers.conv(p + "conv_in", hint, 1, height, width, 3, 1, 1);
		layers.activate(Activation.SILU, x);
		int h = height;
		int w = width;
		int blocks = 2 * (net.hintChannels().length - 1);
		for (int b = 0; b < blocks; b++) {
			int stride = b % 2 == 1 ? 2 : 1;
			x = Layers.replace(x, layers.conv(p + "blocks." + b, x, 1, h, w, 3, stride, 1));
			layers.activate(Activation.SILU, x);
			if (stride == 2) {
				h = (h - 1) / 2 + 1;
				w = (w - 1) / 2 + 1;
			}
		}
		return Layers.replace(x, layers.conv(p + "conv_out", x, 1, h, w, 3, 1, 1));
	}

	/** The 1×1 convolution, scaled, in channel planes. */
	private float[] zeroConv(String prefix, Tensor x, float scale) {
		try (Tensor out = layers.linear(prefix, x)) {
			float[] planes = Engine.transpose(Layers.read(out), out.rows(), out.cols());
			for (int i = 0; i < planes.length; i++) {
				planes[i] *= scale;
			}
			return planes;
		}
	}

	@Override
	public void close() {
		layers.close();
	}
}
