package dev.atelier.core.outputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.atelier.core.internal.AwtImages;
import dev.atelier.core.io.AtomicFiles;

/**
 * Reads the images users hand in (init images, masks, control images): PNG always, through {@link PngDecoder}; JPEG,
 * BMP and GIF where the Java runtime has {@code java.desktop} (the IDE's does, the headless product's does not).
 */
public final class Images {

	/** Larger files are refused before they are read: 8192×8192 RGBA stored uncompressed is 256 MiB. */
	static final long MAX_FILE_BYTES = 512L << 20;

	private static final boolean DESKTOP = ModuleLayer.boot().findModule("java.desktop").isPresent();

	private Images() {
	}

	/**
	 * The image in a file as 8-bit RGB.
	 *
	 * @param maxPixels more pixels than this are refused before they are decoded
	 * @throws IOException naming the file: missing, not a regular file, too large, not an image this runtime reads, damaged
	 */
	public static RgbImage read(Path file, long maxPixels) throws IOException {
		if (!Files.exists(file)) {
			throw new IOException(file + ": no such image");
		}
		AtomicFiles.requireRegular(file);
		long size = Files.size(file);
		if (size > MAX_FILE_BYTES) {
			throw new IOException(file + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES + " an image may have");
		}
		return decode(Files.readAllBytes(file), file.toString(), maxPixels);
	}

	/**
	 * An image's bytes as 8-bit RGB.
	 *
	 * @param name what errors call the image
	 * @throws IOException naming it when it is not an image this runtime reads, too large, or damaged
	 */
	public static RgbImage decode(byte[] data, String name, long maxPixels) throws IOException {
		if (PngDecoder.isPng(data)) {
			return PngDecoder.decode(data, name, maxPixels).rgb();
		}
		if (!DESKTOP) {
			throw new IOException(name + ": " + (isJpeg(data) ? "a JPEG image" : "not a PNG image")
					+ "; this runtime reads PNG only (JPEG, BMP and GIF need the IDE product's Java runtime, which has java.desktop)");
		}
		return AwtImages.decode(data, name, maxPixels);
	}

	/** Whether this runtime decodes more than PNG. */
	public static boolean readsJpeg() {
		return DESKTOP;
	}

	/** Whether the bytes start as a JPEG file does. */
	public static boolean isJpeg(byte[] data) {
		return data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF;
	}
}
