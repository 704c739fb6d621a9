package dev.atelier.diffusion.internal.scheduler;

/** Standard normal noise for a whole batch; the pipeline fills each image's slice from that image's own seed. */
@FunctionalInterface
public interface NoiseSource {

	void fill(float[] target);
}
