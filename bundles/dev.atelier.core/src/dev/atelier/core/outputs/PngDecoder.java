package dev.atelier.core.outputs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes PNG images of every colour type, bit depth and interlacing the format allows, without {@code java.desktop}
 * (the headless product has none). The size in the header is checked against a limit before anything is inflated, the
 * inflated data may not exceed what that size needs (a decompression bomb stops there), and every defect is an
 * {@link IOException} naming the image.
 */
public final class PngDecoder {

	/**
	 * The samples as stored: {@code channels} per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; a palette is expanded to
	 * RGB or RGBA, a {@code tRNS} colour key to an alpha channel), row by row, each {@code 0 … 2^depth − 1} with
	 * {@code depth} 8 or 16 (lower grey depths are scaled to 8).
	 */
	public record Samples(int width, int height, int channels, int depth, int[] values) {

		/** As 8-bit RGB, alpha dropped (as a PNG's colours are shown without a background). */
		public RgbImage rgb() {
			RgbImage image = new RgbImage(width, height);
			int[] out = image.pixels();
			int shift = depth - 8;
			for (int i = 0; i < out.length; i++) {
				int s = i * channels;
				if (channels < 3) {
					int g = values[s] >> shift;
					out[i] = g << 16 | g << 8 | g;
				} else {
					out[i] = (values[s] >> shift) << 16 | (values[s + 1] >> shift) << 8 | values[s + 2] >> shift;
				}
			}
			return image;
		}
	}

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	// Adam7: the first column, first row, column step and row step of each pass
	private static final int[][] PASSES = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 }, { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 } };

	private PngDecoder() {
	}

	/** Whether the bytes start as a PNG file does. */
	public static boolean isPng(byte[] data) {
		return data.length >= SIGNATURE.length && Arrays.equals(data, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
	}

	/**
	 * The image's samples.
	 *
	 * @param name what errors call the image (its file, or where it came from)
	 * @param maxPixels more pixels than this are refused before they are decoded
	 * @throws IOException naming the image and what is wrong with it
	 */
	public static Samples decode(byte[] data, String name, long maxPixels) throws IOException {
		try {
			return new Reader(data, name, maxPixels).read();
		} catch (IOException e) {
			throw new IOException(name + ": " + e.getMessage(), e);
		}
	}

	private static final class Reader {
		private final ByteBuffer in;
		private final long maxPixels;
		private int width;
		private int height;
		private int depth;
		private int colourType;
		private boolean interlaced;
		private int[] palette; // 0xAARRGGBB
		private int[] key; // the tRNS colour key of a grey or RGB image
		private final ByteArrayOutputStream idat = new ByteArrayOutputStream();

		Reader(byte[] data, String name, long maxPixels) {
			this.in = ByteBuffer.wrap(data);
			this.maxPixels = maxPixels;
		}

		Samples read() throws IOException {
			if (!isPng(in.array())) {
				throw new IOException("not a PNG image");
			}
			in.position(SIGNATURE.length);
			boolean header = false;
			while (true) {
				if (in.remaining() < 12) {
					throw new IOException("the PNG is cut short" + (header ? " (no IEND chunk)" : ""));
				}
				int length = in.getInt();
				int start = in.position();
				String type = new String(in.array(), start, 4, StandardCharsets.ISO_8859_1);
				if (length < 0 || length > in.remaining() - 8) {
					throw new IOException("chunk " + printable(type) + " claims " + Integer.toUnsignedString(length) + " bytes, but " + Math.max(0, in.remaining() - 8)
							+ " follow");
				}
				CRC32 crc = new CRC32();
				crc.update(in.array(), start, 4 + length);
				if ((int) crc.getValue() != in.getInt(start + 4 + length)) {
					throw new IOException("chunk " + printable(type) + " is damaged (its CRC does not match)");
				}
				ByteBuffer chunk = ByteBuffer.wrap(in.array(), start + 4, length).slice();
				in.position(start + 4 + length + 4);
				if (!header && !type.equals("IHDR")) {
					throw new IOException("the first chunk is " + printable(type) + ", not IHDR");
				}
				switch (type) {
				case "IHDR" -> {
					header(chunk);
					header = true;
				}
				case "PLTE" -> palette(chunk);
				case "tRNS" -> transparency(chunk);
				case "IDAT" -> {
					if (idat.size() > Integer.MAX_VALUE / 2 - length) {
						throw new IOException("more compressed data than any PNG this reads");
					}
					idat.write(chunk.array(), chunk.arrayOffset(), length);
				}
				case "IEND" -> {
					return pixels();
				}
				default -> {
					if ((type.charAt(0) & 0x20) == 0) {
						throw new IOException("chunk " + printable(type) + " is critical and unknown");
					}
				}
				}
			}
		}

		private void header(ByteBuffer c) throws IOException {
			if (c.remaining() != 13) {
				throw new IOException("the IHDR chunk has " + c.remaining() + " bytes, not 13");
			}
			width = c.getInt();
			height = c.getInt();
			depth = c.get() & 0xFF;
			colourType = c.get() & 0xFF;
			int compression = c.get() & 0xFF;
			int filter = c.get() & 0xFF;
			int interlace = c.get() & 0xFF;
			if (width <= 0 || height <= 0) {
				throw new IOException("the header says " + Integer.toUnsignedString(width) + "×" + Integer.toUnsignedString(height) + " pixels");
			}
			if ((long) width * height > maxPixels) {
				long side = (long) Math.sqrt(maxPixels);
				throw new IOException(width + "×" + height + " pixels are more than the " + maxPixels + (side * side == maxPixels ? " (" + side + "×" + side + ")" : "")
						+ " allowed here");
			}
			boolean valid = switch (colourType) {
			case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
			case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
			case 2, 4, 6 -> depth == 8 || depth == 16;
			default -> false;
			};
			if (!valid) {
				throw new IOException("colour type " + colourType + " with " + depth + "-bit samples is not a PNG format");
			}
			if (compression != 0 || filter != 0 || interlace > 1) {
				throw new IOException("unknown compression, filter or interlace method (" + compression + ", " + filter + ", " + interlace + ")");
			}
			interlaced = interlace == 1;
		}

		private void palette(ByteBuffer c) throws IOException {
			if (c.remaining() % 3 != 0 || c.remaining() == 0 || c.remaining() > 3 * 256) {
				throw new IOException("the PLTE chunk has " + c.remaining() + " bytes, not 3 for each of 1 to 256 colours");
			}
			palette = new int[c.remaining() / 3];
			for (int i = 0; i < palette.length; i++) {
				palette[i] = 0xFF000000 | (c.get() & 0xFF) << 16 | (c.get() & 0xFF) << 8 | c.get() & 0xFF;
			}
		}

		private void transparency(ByteBuffer c) throws IOException {
			switch (colourType) {
			case 3 -> {
				if (palette == null || c.remaining() > palette.length) {
					throw new IOException("the tRNS chunk has " + c.remaining() + " alphas for " + (palette == null ? "no" : palette.length) + " palette colours");
				}
				for (int i = 0; c.hasRemaining(); i++) {
					palette[i] = (c.get() & 0xFF) << 24 | palette[i] & 0xFFFFFF;
				}
			}
			case 0, 2 -> {
				int n = colourType == 0 ? 1 : 3;
				if (c.remaining() != 2 * n) {
					throw new IOException("the tRNS chunk has " + c.remaining() + " bytes, not " + 2 * n);
				}
				key = new int[n];
				for (int i = 0; i < n; i++) {
					key[i] = c.getShort() & 0xFFFF;
				}
			}
			default -> throw new IOException("a tRNS chunk in an image that has an alpha channel");
			}
		}

		private int storedChannels() {
			return switch (colourType) {
			case 0, 3 -> 1;
			case 4 -> 2;
			case 2 -> 3;
			default -> 4;
			};
		}

		private Samples pixels() throws IOException {
			if (colourType == 3 && palette == null) {
				throw new IOException("a palette image without a PLTE chunk");
			}
			int stored = storedChannels();
			int bitsPerPixel = stored * depth;
			int bpp = Math.max(1, bitsPerPixel / 8);
			long expected = 0;
			for (int[] p : interlaced ? PASSES : new int[][] { { 0, 0, 1, 1 } }) {
				long w = passSize(width, p[0], p[2]);
				long h = passSize(height, p[1], p[3]);
				if (w > 0 && h > 0) {
					expected += h * (1 + (w * bitsPerPixel + 7) / 8);
				}
			}
			if (expected > Integer.MAX_VALUE - 8) {
				throw new IOException(width + "×" + height + " pixels are too many to decode");
			}
			byte[] raw = inflate((int) expected);
			int outChannels = colourType == 3 ? (hasPaletteAlpha() ? 4 : 3) : stored + (key != null ? 1 : 0);
			int outDepth = depth == 16 ? 16 : 8;
			int[] values = new int[Math.multiplyExact(Math.multiplyExact(width, height), outChannels)];
			int offset = 0;
			for (int[] p : interlaced ? PASSES : new int[][] { { 0, 0, 1, 1 } }) {
				int w = passSize(width, p[0], p[2]);
				int h = passSize(height, p[1], p[3]);
				if (w == 0 || h == 0) {
					continue;
				}
				int rowBytes = (int) (((long) w * bitsPerPixel + 7) / 8);
				byte[] previous = new byte[rowBytes];
				byte[] row = new byte[rowBytes];
				int[] samples = new int[stored];
				for (int y = 0; y < h; y++) {
					int filter = raw[offset] & 0xFF;
					System.arraycopy(raw, offset + 1, row, 0, rowBytes);
					offset += 1 + rowBytes;
					unfilter(filter, row, previous, bpp);
					for (int x = 0; x < w; x++) {
						for (int s = 0; s < stored; s++) {
							samples[s] = sample(row, x * stored + s);
						}
						int at = ((p[1] + y * p[3]) * width + p[0] + x * p[2]) * outChannels;
						put(samples, values, at, outChannels);
					}
					byte[] t = previous;
					previous = row;
					row = t;
				}
			}
			return new Samples(width, height, outChannels, outDepth, values);
		}

		private static int passSize(int size, int first, int step) {
			return size <= first ? 0 : (size - first + step - 1) / step;
		}

		private boolean hasPaletteAlpha() {
			for (int c : palette) {
				if (c >>> 24 != 0xFF) {
					return true;
				}
			}
			return false;
		}

		private byte[] inflate(int expected) throws IOException {
			Inflater inflater = new Inflater();
			try {
				inflater.setInput(idat.toByteArray());
				byte[] out = new byte[expected];
				int n = 0;
				while (n < expected && !inflater.finished()) {
					int got = inflater.inflate(out, n, expected - n);
					if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
						break;
					}
					n += got;
				}
				if (n < expected) {
					throw new IOException("the image data is cut short (" + n + " of " + expected + " bytes)");
				}
				return out;
			} catch (DataFormatException e) {
				throw new IOException("the image data is not valid zlib data: " + e.getMessage(), e);
			} finally {
				inflater.end();
			}
		}

		private void unfilter(int filter, byte[] row, byte[] prior, int bpp) throws IOException {
			switch (filter) {
			case 0 -> {
			}
			case 1 -> {
				for (int i = bpp; i < row.length; i++) {
					row[i] += row[i - bpp];
				}
			}
			case 2 -> {
				for (int i = 0; i < row.length; i++) {
					row[i] += prior[i];
				}
			}
			case 3 -> {
				for (int i = 0; i < row.length; i++) {
					int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
					row[i] += (byte) ((left + (prior[i] & 0xFF)) >>> 1);
				}
			}
			case 4 -> {
				for (int i = 0; i < row.length; i++) {
					int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
					int b = prior[i] & 0xFF;
					int c = i >= bpp ? prior[i - bpp] & 0xFF : 0;
					row[i] += (byte) PngInfo.paeth(a, b, c);
				}
			}
			default -> throw new IOException("a row has filter type " + filter + " (PNG has 0 to 4)");
			}
		}

		/** The {@code index}th sample of the row at the image's depth. */
		private int sample(byte[] row, int index) {
			return switch (depth) {
			case 16 -> (row[2 * index] & 0xFF) << 8 | row[2 * index + 1] & 0xFF;
			case 8 -> row[index] & 0xFF;
			default -> {
				int perByte = 8 / depth;
				int shift = 8 - depth * (index % perByte + 1);
				yield (row[index / perByte] & 0xFF) >> shift & (1 << depth) - 1;
			}
			};
		}

		private void put(int[] s, int[] values, int at, int outChannels) throws IOException {
			if (colourType == 3) {
				if (s[0] >= palette.length) {
					throw new IOException("a pixel uses palette entry " + s[0] + " of " + palette.length);
				}
				int c = palette[s[0]];
				values[at] = c >> 16 & 0xFF;
				values[at + 1] = c >> 8 & 0xFF;
				values[at + 2] = c & 0xFF;
				if (outChannels == 4) {
					values[at + 3] = c >>> 24;
				}
				return;
			}
			int max = (1 << depth) - 1;
			for (int i = 0; i < s.length; i++) {
				values[at + i] = depth < 8 ? s[i] * 255 / max : s[i];
			}
			if (key != null) {
				values[at + s.length] = Arrays.equals(s, key) ? 0 : depth == 16 ? 0xFFFF : 0xFF;
			}
		}
	}

	private static String printable(String type) {
		return type.chars().allMatch(c -> c >= 'A' && c <= 'z' && Character.isLetter(c)) ? type : "'" + type.replaceAll("[^ -~]", "?") + "'";
	}
}
