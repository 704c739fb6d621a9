package dev.atelier.core.outputs;

import java.awt.image.BufferedImage;
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
import java.util.zip.InflaterInputStream;

import javax.imageio.ImageIO;

/**
 * PNG text chunks: written as {@code tEXt} when the text is Latin-1 and as uncompressed UTF-8 {@code iTXt} when not
 * (as Pillow does for AUTOMATIC1111), read from {@code tEXt}, {@code zTXt} and {@code iTXt}. Written here because
 * ImageIO's metadata tree is heavier than the chunk format itself and its tEXt writer mangles non-Latin-1 text.
 */
public final class PngInfo {

	/** The key AUTOMATIC1111 (and the tools that read its PNGs) keep the generation parameters under. */
	public static final String PARAMETERS = "parameters";

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	private PngInfo() {
	}

	/** The image as PNG bytes with the text chunks placed right after the header. */
	public static byte[] encode(BufferedImage image, Map<String, String> text) throws IOException {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		if (!ImageIO.write(image, "png", png)) {
			throw new IOException("no PNG writer for this image type");
		}
		byte[] bytes = png.toByteArray();
		int afterHeader = SIGNATURE.length + 8 + 13 + 4; // IHDR: length, type, 13 bytes of data, CRC
		ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 1024);
		out.write(bytes, 0, afterHeader);
		for (Map.Entry<String, String> e : text.entrySet()) {
			writeChunk(out, e.getKey(), e.getValue());
		}
		out.write(bytes, afterHeader, bytes.length - afterHeader);
		return out.toByteArray();
	}

	private static void writeChunk(ByteArrayOutputStream out, String key, String value) {
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
		byte[] type = (latin1 ? "tEXt" : "iTXt").getBytes(StandardCharsets.US_ASCII);
		byte[] payload = data.toByteArray();
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
