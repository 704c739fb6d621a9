package dev.atelier.core.outputs;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * PNG files as the outputs write them: 8-bit RGB, each row filtered the way that compresses best, with text chunks —
 * {@code tEXt} when the text is Latin-1 and uncompressed UTF-8 {@code iTXt} when not (as Pillow does for
 * AUTOMATIC1111) — right after the header; and the text chunks of any PNG, from {@code tEXt}, {@code zTXt} and
 * {@code iTXt}. Written here rather than through ImageIO so that the headless product needs no {@code java.desktop}.
 */
public final class PngInfo {

	/** The key AUTOMATIC1111 (and the tools that read its PNGs) keep the generation parameters under. */
	public static final String PARAMETERS = "parameters";

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	private static final int IDAT_SIZE = 1 << 20;

	private PngInfo() {
	}

	/** The image as PNG bytes with the text chunks placed right after the header. */
	public static byte[] encode(RgbImage image, Map<String, String> text) throws IOException {
		int w = image.width();
		int h = image.height();
		ByteArrayOutputStream out = new ByteArrayOutputStream(w * h + 1024);
		out.writeBytes(SIGNATURE);
		ByteBuffer header = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
		writeChunk(out, "IHDR", header.array());
		for (Map.Entry<String, String> e : text.entrySet()) {
			writeText(out, e.getKey(), e.getValue());
		}
		ByteArrayOutputStream compressed = new ByteArrayOutputStream(w * h);
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
		try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, deflater, 1 << 16)) {
			int[] pixels = image.pixels();
			byte[] previous = new byte[3 * w];
			byte[] row = new byte[3 * w];
			byte[][] filtered = new byte[5][1 + 3 * w];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					int p = pixels[y * w + x];
					row[3 * x] = (byte) (p >> 16);
					row[3 * x + 1] = (byte) (p >> 8);
					row[3 * x + 2] = (byte) p;
				}
				z.write(bestFilter(row, previous, filtered));
				byte[] t = previous;
				previous = row;
				row = t;
			}
		} finally {
			deflater.end();
		}
		byte[] data = compressed.toByteArray();
		for (int at = 0; at < data.length || at == 0; at += IDAT_SIZE) {
			writeChunk(out, "IDAT", Arrays.copyOfRange(data, at, Math.min(data.length, at + IDAT_SIZE)));
		}
		writeChunk(out, "IEND", new byte[0]);
		return out.toByteArray();
	}

	/** The row under each of PNG's five filters; the one whose bytes, taken as signed, sum smallest (libpng's heuristic). */
	private static byte[] bestFilter(byte[] row, byte[] prior, byte[][] out) {
		int bpp = 3;
		long best = Long.MAX_VALUE;
		byte[] chosen = out[0];
		for (int f = 0; f < 5; f++) {
			byte[] o = out[f];
			o[0] = (byte) f;
			long sum = 0;
			for (int i = 0; i < row.length; i++) {
				int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
				int b = prior[i] & 0xFF;
				int c = i >= bpp ? prior[i - bpp] & 0xFF : 0;
				int predicted = switch (f) {
				case 0 -> 0;
				case 1 -> a;
				case 2 -> b;
				case 3 -> (a + b) >>> 1;
				default -> paeth(a, b, c);
				};
				byte v = (byte) (row[i] - predicted);
				o[i + 1] = v;
				sum += Math.abs(v);
			}
			if (sum < best) {
				best = sum;
				chosen = o;
			}
		}
		return chosen;
	}

	static int paeth(int a, int b, int c) {
		int p = a + b - c;
		int pa = Math.abs(p - a);
		int pb = Math.abs(p - b);
		int pc = Math.abs(p - c);
		return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
	}

	private static void writeText(ByteArrayOutputStream out, String key, String value) {
		boolean latin1 = StandardCharsets.ISO_8859_1.newEncoder().canEncode(value) && !value.contains("\0");
		ByteArrayOutputStream data = new ByteArrayOutputStream();
		data.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
		data.write(0);
		if (latin1) {
			data.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
		} else {
			data.writeBytes(new byte[] { 0, 0, 0, 0 }); // uncompressed, method 0, no language tag, no translated keyword
			data.writeBytes(value.getBytes(StandardCharsets.UTF_8));
		}
		writeChunk(out, latin1 ? "tEXt" : "iTXt", data.toByteArray());
	}

	private static void writeChunk(ByteArrayOutputStream out, String kind, byte[] payload) {
		byte[] type = kind.getBytes(StandardCharsets.US_ASCII);
		CRC32 crc = new CRC32();
		crc.update(type);
		crc.update(payload);
		out.writeBytes(ByteBuffer.allocate(4).putInt(payload.length).array());
		out.writeBytes(type);
		out.writeBytes(payload);
		out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	/**
	 * The text chunks of a PNG file, keyword → text, in file order.
	 *
	 * @throws IOException naming the file when it is not a PNG or is cut short
	 */
	public static Map<String, String> read(Path file) throws IOException {
		Map<String, String> text = new LinkedHashMap<>();
		try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
			byte[] signature = new byte[8];
			in.readFully(signature);
			if (!Arrays.equals(signature, SIGNATURE)) {
				throw new IOException(file + ": not a PNG file");
			}
			while (true) {
				int length = in.readInt();
				byte[] type = new byte[4];
				in.readFully(type);
				String kind = new String(type, StandardCharsets.US_ASCII);
				if (length < 0 || length > (64 << 20)) {
					throw new IOException(file + ": chunk " + kind + " claims " + Integer.toUnsignedString(length) + " bytes");
				}
				if (kind.equals("IEND")) {
					return text;
				}
				if (kind.equals("tEXt") || kind.equals("zTXt") || kind.equals("iTXt")) {
					byte[] data = in.readNBytes(length);
					if (data.length < length) {
						throw new EOFException();
					}
					try {
						decode(kind, data, text);
					} catch (IOException e) {
						throw new IOException(file + ": " + e.getMessage(), e);
					}
				} else {
					in.skipNBytes(length);
				}
				in.skipNBytes(4);
			}
		} catch (EOFException e) {
			throw new IOException(file + ": the PNG is cut short", e);
		}
	}

	private static void decode(String kind, byte[] data, Map<String, String> text) throws IOException {
		int nul = indexOf(data, 0);
		if (nul < 0) {
			return;
		}
		String key = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
		if ((kind.equals("zTXt") && data.length < nul + 2) || (kind.equals("iTXt") && data.length < nul + 3)) {
			throw new IOException("a " + kind + " chunk is cut short");
		}
		switch (kind) {
		case "tEXt" -> text.put(key, new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1));
		case "zTXt" -> text.put(key, new String(inflate(data, nul + 2), StandardCharsets.ISO_8859_1));
		default -> {
			boolean compressed = data[nul + 1] != 0;
			int language = indexOf(data, nul + 3);
			int translated = language < 0 ? -1 : indexOf(data, language + 1);
			if (translated < 0) {
				return;
			}
			byte[] value = compressed ? inflate(data, translated + 1) : Arrays.copyOfRange(data, translated + 1, data.length);
			text.put(key, new String(value, StandardCharsets.UTF_8));
		}
		}
	}

	private static byte[] inflate(byte[] data, int from) throws IOException {
		try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(data, from, data.length - from))) {
			return in.readNBytes(16 << 20);
		}
	}

	private static int indexOf(byte[] data, int from) {
		for (int i = from; i < data.length; i++) {
			if (data[i] == 0) {
				return i;
			}
		}
		return -1;
	}
}
