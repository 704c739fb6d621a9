package dev.atelier.viewport.internal.gltf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngDecoder;
import dev.atelier.core.outputs.RgbImage;

/**
 * Decodes a PNG (our own decoder: the stored samples at their depth, colour profiles and gamma chunks ignored as glTF
 * asks) or a JPEG (where the runtime reads JPEG) into linear RGBA floats, from sRGB for colour textures. The image's
 * size is checked before its pixels are decoded, and a broken image is an error naming it, never an exception from
 * the decoder.
 */
final class ImageDecoder {

	/** 8192 × 8192: four floats a pixel stay within the loader's 2^28 values. */
	static final long MAX_PIXELS = Accessors.MAX_VALUES / 4;

	record Pixels(int width, int height, float[] rgba) {
	}

	private ImageDecoder() {
	}

	static Pixels decode(Json image, ByteBuffer data, boolean srgb) throws GltfException {
		byte[] bytes = new byte[data.remaining()];
		data.duplicate().get(bytes);
		boolean png = PngDecoder.isPng(bytes);
		if (!png && !Images.isJpeg(bytes)) {
			throw image.error("is not a PNG or JPEG image ("
					+ (bytes.length == 0 ? "it is empty" : "it starts with " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length))) + ")");
		}
		try {
			if (png) {
				PngDecoder.Samples samples = PngDecoder.decode(bytes, "the image", MAX_PIXELS);
				return new Pixels(samples.width(), samples.height(), linear(samples, srgb));
			}
			RgbImage rgb = Images.decode(bytes, "the image", MAX_PIXELS);
			return new Pixels(rgb.width(), rgb.height(), linear(rgb, srgb));
		} catch (IOException e) {
			throw image.error("cannot be decoded: " + e.getMessage().replaceFirst("^the image: ", ""), e);
		}
	}

	private static float[] linear(PngDecoder.Samples s, boolean srgb) {
		int channels = s.channels();
		int colours = channels < 3 ? 1 : 3;
		boolean alpha = channels == 2 || channels == 4;
		float[] colour = table(s.depth(), srgb);
		float[] linearAlpha = table(s.depth(), false);
		int[] v = s.values();
		int n = s.width() * s.height();
		float[] out = new float[4 * n];
		for (int i = 0; i < n; i++) {
			int at = i * channels;
			for (int c = 0; c < 3; c++) {
				out[4 * i + c] = colour[v[at + (colours == 1 ? 0 : c)]];
			}
			out[4 * i + 3] = alpha ? linearAlpha[v[at + channels - 1]] : 1;
		}
		return out;
	}

	private static float[] linear(RgbImage image, boolean srgb) {
		float[] colour = table(8, srgb);
		int[] px = image.pixels();
		float[] out = new float[4 * px.length];
		for (int i = 0; i < px.length; i++) {
			out[4 * i] = colour[px[i] >>> 16 & 0xFF];
			out[4 * i + 1] = colour[px[i] >>> 8 & 0xFF];
			out[4 * i + 2] = colour[px[i] & 0xFF];
			out[4 * i + 3] = 1;
		}
		return out;
	}

	/** Every value of a {@code bits}-bit sample as a float in [0, 1], decoded from sRGB where asked. */
	private static float[] table(int bits, boolean srgb) {
		int max = (1 << bits) - 1;
		float[] t = new float[max + 1];
		for (int v = 0; v <= max; v++) {
			double c = (double) v / max;
			t[v] = (float) (srgb ? (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)) : c);
		}
		return t;
	}
}
