package dev.atelier.diffusion.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.SampleModel;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * The Diffusion view's model to try: a reduced SD 1.x single-file checkpoint in the original ldm layout (a UNet of 32
 * channels at two levels, a VAE of 32 channels that still scales by 8, a one-layer 64-wide CLIP with the real
 * 49408-token vocabulary and 77 positions, so the shipped CLIP merges tokenize for it), random F16 weights from a fixed
 * seed, about 9 MB (two thirds of it the token embedding) in {@code checkpoints/} of the models folder. It draws noise
 * on the CPU in seconds: enough to see a checkpoint load, step and write a PNG.
 */
@Component(service = SampleModel.class)
public final class TinySd1Sample implements SampleModel {

	static final String FILE = "atelier-tiny-random-sd1.safetensors";
	/** 8 heads of 4 in the UNet's attention, one 64-wide head in CLIP. */
	static final LdmLayout.Spec SPEC = new LdmLayout.Spec(LdmLayout.Kind.SD1, 4, 32, new int[] { 1, 2 }, 1, new int[] { 1, 1 }, 1, new int[] { 64 },
			new int[] { 1 }, 49408, 77, 32, new int[] { 1, 1, 1, 1 }, 1, 4, true);
	private static final long SEED = 0x5D1_7111L;

	@Override
	public String description() {
		return "a tiny random-weight Stable Diffusion 1.x checkpoint (" + FILE + ") for the Diffusion view";
	}

	@Override
	public Path write(Path modelsFolder, JobContext job) throws IOException {
		return SampleModel.writeOnce(modelsFolder.resolve("checkpoints").resolve(FILE), job, TinySd1Sample::writeTo);
	}

	static void writeTo(Path file) throws IOException {
		new SafetensorsWriter().weights(LdmLayout.weights(SPEC), "F16").values(TinySd1Sample::values).write(file);
	}

	/**
	 * Norm scales one and biases zero, so that activations pass through; matrices and kernels Gaussian with variance
	 * 1 / fan-in, so that they neither vanish nor blow up across the layers. Seeded by the key, not by the order.
	 */
	private static float[] values(String key, long[] shape) {
		float[] out = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
		if (shape.length == 1) {
			Arrays.fill(out, key.endsWith(".weight") ? 1 : 0);
			return out;
		}
		double spread = 1 / Math.sqrt(out.length / (double) shape[0]);
		SplittableRandom random = new SplittableRandom(SEED ^ key.hashCode());
		for (int i = 0; i < out.length; i++) {
			out[i] = (float) (random.nextGaussian() * spread);
		}
		return out;
	}
}
