package dev.atelier.diffusion.engine;

/**
 * SDXL's size and crop conditioning (its "time ids"), in pixels: the original image's size, the crop's top-left corner
 * and the target size, each height first, as StableDiffusionXLPipeline orders them.
 */
public record SizeConditioning(int originalHeight, int originalWidth, int cropTop, int cropLeft, int targetHeight, int targetWidth) {

	/** diffusers' default for an image of this size: original and target size the image's, no crop. */
	public static SizeConditioning of(int height, int width) {
		return new SizeConditioning(height, width, 0, 0, height, width);
	}

	/** The six values in the UNet's order. */
	public float[] timeIds() {
		return new float[] { originalHeight, originalWidth, cropTop, cropLeft, targetHeight, targetWidth };
	}
}
