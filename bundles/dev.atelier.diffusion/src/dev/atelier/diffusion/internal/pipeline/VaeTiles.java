package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;

/**
 * The VAE run on overlapping tiles, so that an image beyond what one pass fits decodes (and encodes) piece by piece, as
 * stable-diffusion.cpp's VAE tiling does: tiles of {@code tile} latent pixels a side stepping by {@code tile − overlap},
 * the last of a row or column flush with the edge, each run on its own; where tiles overlap, their outputs are blended
 * with weights that rise linearly from each tile's inner edge across the overlap (1 elsewhere and along the image's own
 * border), so that no seam shows. Each tile's GroupNorms and attention see that tile only, so the result differs from
 * one pass: a little away from the seams, more near them (the tests state by how much).
 */
final class VaeTiles {

	/** stable-diffusion.cpp's default: 32 latent pixels (256 image pixels) a side, half of it overlapping. */
	static final int TILE = 32;
	static final int OVERLAP = 16;

	/** One VAE pass over a tile: planes in, planes out. */
	interface Pass {
		float[] run(float[] planes, int height, int width) throws IOException;
	}

	private final int tile;
	private final int overlap;

	VaeTiles(int tile, int overlap) {
		if (tile < 1 || overlap < 0 || overlap >= tile) {
			throw new IllegalArgumentException("VAE tiles of " + tile + " with an overlap of " + overlap + ": the overlap must be less than the tile");
		}
		this.tile = tile;
		this.overlap = overlap;
	}

	/** The image ({@code [3][h·scale][w·scale]}) of a latent ({@code [channels][h][w]}), decoded tile by tile. */
	float[] decode(Pass decoder, float[] latent, int channels, int h, int w, int scale) throws IOException {
		return run(decoder, latent, channels, h, w, 1, scale);
	}

	/**
	 * The encoder's output ({@code [outChannels][h/scale][w/scale]}) of an image ({@code [3][h][w]}), encoded tile by tile
	 * (tiles of {@code tile·scale} image pixels).
	 */
	float[] encode(Pass encoder, float[] image, int h, int w, int scale) throws IOException {
		return run(encoder, image, 3, h, w, scale, 1);
	}

	/**
	 * Runs {@code pass} over tiles of an input of {@code channels × h × w}; tile sizes are in units of {@code inUnit}
	 * input pixels, and each unit becomes {@code outUnit} output pixels.
	 */
	private float[] run(Pass pass, float[] input, int channels, int h, int w, int inUnit, int outUnit) throws IOException {
		int gh = h / inUnit;
		int gw = w / inUnit;
		int[] ys = starts(gh);
		int[] xs = starts(gw);
		float[] sum = null;
		float[] weights = null;
		int outChannels = 0;
		int oh = gh * outUnit;
		int ow = gw * outUnit;
		for (int ty : ys) {
			for (int tx : xs) {
				int th = Math.min(tile, gh - ty);
				int tw = Math.min(tile, gw - tx);
				float[] piece = crop(input, channels, h, w, ty * inUnit, tx * inUnit, th * inUnit, tw * inUnit);
				float[] out = pass.run(piece, th * inUnit, tw * inUnit);
				int plane = th * outUnit * tw * outUnit;
				if (sum == null) {
					outChannels = out.length / plane;
					sum = new float[outChannels * oh * ow];
					weights = new float[oh * ow];
				}
				for (int y = 0; y < th * outUnit; y++) {
					float wy = ramp(y, th * outUnit, ty > 0, ty + th < gh, outUnit);
					for (int x = 0; x < tw * outUnit; x++) {
						float wgt = wy * ramp(x, tw * outUnit, tx > 0, tx + tw < gw, outUnit);
						int at = (ty * outUnit + y) * ow + tx * outUnit + x;
						weights[at] += wgt;
						for (int c = 0; c < outChannels; c++) {
							sum[c * oh * ow + at] += wgt * out[c * plane + y * tw * outUnit + x];
						}
					}
				}
			}
		}
		for (int c = 0; c < outChannels; c++) {
			for (int i = 0; i < oh * ow; i++) {
				sum[c * oh * ow + i] /= weights[i];
			}
		}
		return sum;
	}

	/** Where the tiles of a side of {@code n} begin: every {@code tile − overlap}, the last flush with the end. */
	private int[] starts(int n) {
		if (n <= tile) {
			return new int[] { 0 };
		}
		int stride = tile - overlap;
		int count = (n - tile + stride - 1) / stride + 1;
		int[] out = new int[count];
		for (int i = 0; i < count; i++) {
			out[i] = Math.min(i * stride, n - tile);
		}
		return out;
	}

	/**
	 * A tile's blending weight at {@code i} of {@code n} output pixels: rising linearly over the overlap from a side
	 * that another tile shares ({@code before}, {@code after}), 1 elsewhere; never 0, so every pixel has weight.
	 */
	private float ramp(int i, int n, boolean before, boolean after, int unit) {
		float span = overlap * unit;
		float w = 1;
		if (before && span > 0) {
			w = Math.min(w, (i + 0.5f) / span);
		}
		if (after && span > 0) {
			w = Math.min(w, (n - i - 0.5f) / span);
		}
		return w;
	}

	private static float[] crop(float[] planes, int channels, int h, int w, int y0, int x0, int ch, int cw) {
		float[] out = new float[channels * ch * cw];
		for (int c = 0; c < channels; c++) {
			for (int y = 0; y < ch; y++) {
				System.arraycopy(planes, c * h * w + (y0 + y) * w + x0, out, c * ch * cw + y * cw, cw);
			}
		}
		return out;
	}
}
