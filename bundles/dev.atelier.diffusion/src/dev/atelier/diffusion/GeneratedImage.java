package dev.atelier.diffusion;

import java.awt.image.BufferedImage;

/** One image of a batch with the seed and parameters it was made with. */
public record GeneratedImage(BufferedImage image, long seed, Infotext infotext) {
}
