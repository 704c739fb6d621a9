package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

import dev.atelier.core.outputs.PngDecoder;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.server.ApiException;
import dev.atelier.server.JsonFields;

/**
 * AUTOMATIC1111's img2img inpainting fields, as far as the native engine's inpainting goes (an inpainting checkpoint
 * repaints the init image where the mask is white, the mask binarised at one half, the rest of the picture as it
 * is): {@code mask} (base64; an RGBA one whose alpha is not all opaque is its alpha, cut at 128, as A1111's
 * {@code create_binary_mask}), {@code inpainting_mask_invert} (0 or 1), {@code mask_blur} (A1111's Gaussian over the
 * grey mask, σ = the blur, before the binarisation that A1111's inpainting conditioning does too by rounding). What the
 * engine does not do is refused with 400 naming the field: {@code inpainting_fill} other than 1 ("original": the
 * init image under the mask, as the engine takes it) and {@code inpaint_full_res} (only the masked area, upscaled).
 * Absent fields mean what the engine does: no blur, not inverted, original fill, the whole picture.
 */
final class Inpainting {

	/** The largest blur: its kernel (2·⌊2.5σ + 0.5⌋ + 1 wide) stays small beside the image. */
	static final int MAX_BLUR = 64;
	/** A1111's {@code inpainting_fill} the engine does: the init image's own pixels under the mask. */
	private static final int ORIGINAL = 1;

	private Inpainting() {
	}

	/**
	 * The request's mask as a grey PNG, inverted and blurred as it asks; empty without a {@code mask}. The other
	 * fields are checked either way.
	 */
	static Optional<byte[]> mask(JsonFields f, long maxPixels) throws ApiException {
		long fill = f.integer("inpainting_fill", ORIGINAL, 0, 3);
		if (fill != ORIGINAL) {
			throw new ApiException(400, "'inpainting_fill' " + fill + " is not done here: the native engine inpaints from the init image's own pixels"
					+ " (1, original); fill (0), latent noise (2) and latent nothing (3) are not", "inpainting_fill");
		}
		if (flag(f, "inpaint_full_res")) {
			throw new ApiException(400, "'inpaint_full_res' (only masked) is not done here: the native engine inpaints the whole picture; send false",
					"inpaint_full_res");
		}
		boolean invert = flag(f, "inpainting_mask_invert");
		int blur = (int) f.integer("mask_blur", 0, 0, MAX_BLUR);
		Optional<String> text = f.raw("mask").filter(m -> !m.isJsonNull()).isPresent() ? f.string("mask") : Optional.empty();
		if (text.isEmpty()) {
			return Optional.empty();
		}
		String base64 = text.get().startsWith("data:image/") ? text.get().substring(text.get().indexOf(',') + 1) : text.get();
		byte[] bytes;
		try {
			bytes = Base64.getMimeDecoder().decode(base64);
		} catch (IllegalArgumentException e) {
			throw f.wrong("mask", "a base64 PNG image: " + e.getMessage());
		}
		if (!PngDecoder.isPng(bytes)) {
			throw f.wrong("mask", "a base64 PNG image");
		}
		PngDecoder.Samples samples;
		try {
			samples = PngDecoder.decode(bytes, "mask", maxPixels);
		} catch (IOException e) {
			throw f.wrong("mask", "a PNG image (" + e.getMessage() + ")");
		}
		int[] grey = grey(samples);
		if (invert) {
			for (int i = 0; i < grey.length; i++) {
				grey[i] = 255 - grey[i];
			}
		}
		if (blur > 0) {
			grey = blur(grey, samples.width(), samples.height(), blur);
		}
		RgbImage out = new RgbImage(samples.width(), samples.height());
		for (int i = 0; i < grey.length; i++) {
			out.pixels()[i] = grey[i] << 16 | grey[i] << 8 | grey[i];
		}
		try {
			return Optional.of(PngInfo.encode(out, Map.of()));
		} catch (IOException e) {
			throw new ApiException(500, "cannot encode the mask: " + e.getMessage());
		}
	}

	/** A1111 takes 0/1 and true/false alike for its flags. */
	private static boolean flag(JsonFields f, String name) throws ApiException {
		Optional<JsonElement> value = f.raw(name);
		if (value.isPresent() && value.get() instanceof JsonPrimitive p && p.isNumber()) {
			return f.integer(name, 0, 0, 1) == 1;
		}
		return f.bool(name, false);
	}

	/**
	 * PIL's grey ("L") of the mask, 0–255 per pixel; an RGBA mask whose alpha is not all 255 gives its alpha instead, 255
	 * above 128 and 0 else.
	 */
	private static int[] grey(PngDecoder.Samples s) {
		int n = s.width() * s.height();
		int[] grey = new int[n];
		int shift = s.depth() == 16 ? 8 : 0;
		if (s.channels() == 4) {
			boolean opaque = true;
			for (int i = 0; i < n && opaque; i++) {
				opaque = s.values()[4 * i + 3] >> shift == 255;
			}
			if (!opaque) {
				for (int i = 0; i < n; i++) {
					grey[i] = s.values()[4 * i + 3] >> shift > 128 ? 255 : 0;
				}
				return grey;
			}
		}
		int[] rgb = s.rgb().pixels();
		for (int i = 0; i < n; i++) {
			int p = rgb[i];
			// ITU-R 601-2 luma in 16-bit fixed point, rounded, as PIL converts to L
			grey[i] = (((p >> 16) & 0xff) * 19595 + ((p >> 8) & 0xff) * 38470 + (p & 0xff) * 7471 + 0x8000) >> 16;
		}
		return grey;
	}

	/**
	 * A1111's mask blur: OpenCV's Gaussian of σ = {@code sigma} and 2·⌊2.5σ + 0.5⌋ + 1 taps, along the rows, then along
	 * the columns, each pass rounded to 8 bits (OpenCV's 8-bit fixed point may differ by one), the border mirrored
	 * without repeating the edge (OpenCV's default).
	 */
	static int[] blur(int[] grey, int width, int height, int sigma) {
		int size = 2 * (int) (2.5 * sigma + 0.5) + 1;
		double[] kernel = new double[size];
		double sum = 0;
		for (int i = 0; i < size; i++) {
			double d = i - (size - 1) / 2.0;
			kernel[i] = Math.exp(-d * d / (2.0 * sigma * sigma));
			sum += kernel[i];
		}
		for (int i = 0; i < size; i++) {
			kernel[i] /= sum;
		}
		int[] rows = new int[grey.length];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double v = 0;
				for (int k = 0; k < size; k++) {
					v += kernel[k] * grey[y * width + mirror(x + k - size / 2, width)];
				}
				rows[y * width + x] = (int) Math.min(255, Math.max(0, Math.round(v)));
			}
		}
		int[] out = new int[grey.length];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double v = 0;
				for (int k = 0; k < size; k++) {
					v += kernel[k] * rows[mirror(y + k - size / 2, height) * width + x];
				}
				out[y * width + x] = (int) Math.min(255, Math.max(0, Math.round(v)));
			}
		}
		return out;
	}

	/** OpenCV's BORDER_REFLECT_101: … 2 1 | 0 1 2 … n−1 | n−2 …; a line of one pixel stays that pixel. */
	private static int mirror(int i, int n) {
		if (n == 1) {
			return 0;
		}
		while (i < 0 || i >= n) {
			i = i < 0 ? -i : 2 * (n - 1) - i;
		}
		return i;
	}
}
