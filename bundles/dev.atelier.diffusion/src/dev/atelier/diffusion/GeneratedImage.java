package dev.atelier.diffusion;

import dev.atelier.core.outputs.RgbImage;

/** One image of a batch with the seed and parameters it was made with. */
public record GeneratedImage(RgbImage image, long seed, Infotext infotext) {
}
