package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --init} accepts: an image of a size the pipeline can take, read with errors that name the file. */
class InitImageTest {

	@TempDir
	Path dir;

	/** A PNG whose header claims {@code width}×{@code height}: what a decompression bomb shows before it is unpacked. */
	private static byte[] pngHeader(int width, int height) {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
		chunk(png, "IEND", new byte[0]);
		return png.toByteArray();
	}

	private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
		png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		byte[] t = type.getBytes(StandardCharsets.US_ASCII);
		png.writeBytes(t);
		png.writeBytes(data);
		CRC32 crc = new CRC32();
		crc.update(t);
		crc.update(data);
		png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	@Test
	void aDecompressionBombIsRefusedByItsHeaderBeforeItIsUnpacked() throws IOException {
		Path bomb = Files.write(dir.resolve("bomb.png"), pngHeader(100_000, 100_000));
		IOException e = assertThrows(IOException.class, () -> StableDiffusion.readImage(bomb));
		assertEquals(bomb + ": 100000×100000 pixels are more than the 67108864 (8192×8192) allowed here", e.getMessage());
	}

	@Test
	void aFileThatIsNoImageIsRefusedByName() throws IOException {
		Path text = Files.writeString(dir.resolve("notes.png"), "not an image at all");
		assertEquals(text + ": not an image format this reads (PNG, JPEG, BMP, GIF)",
				assertThrows(IOException.class, () -> StableDiffusion.readImage(text)).getMessage());
		Path truncated = Files.write(dir.resolve("cut.png"), pngHeader(64, 64)); // a header, and no pixel data
		assertEquals(truncated + ": the image data is cut short (0 of 12352 bytes)", assertThrows(IOException.class, () -> StableDiffusion.readImage(truncated)).getMessage());
	}
}
