package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.internal.gltf.TestGltf.Bytes;
import dev.atelier.viewport.internal.gltf.TestGltf.Loaded;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Texture;

/** Images and samplers: the ways an image is stored, the PNG layouts, and broken or absurd images. */
class GltfTexturesTest {

	@TempDir
	Path dir;

	/** A triangle whose material's base colour and normal use texture 0, with {@code members} for textures, samplers and images. */
	private Path file(String members) {
		return file("{\"pbrMetallicRoughness\": {\"baseColorTexture\": {\"index\": 0}}, \"normalTexture\": {\"index\": 0}}", members);
	}

	private Path file(String material, String members) {
		return TestGltf.gltf(dir, "t.gltf", new Bytes().floats(0, 0, 0, 1, 0, 0, 0, 1, 0), """
				"bufferViews": [{"buffer": 0, "byteLength": 36}],
				"accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}],
				"meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "material": 0}]}],
				"nodes": [{"mesh": 0}],
				"materials": [%s],
				""".formatted(material) + members);
	}

	private static String dataUri(String mime, byte[] bytes) {
		return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
	}

	private static byte[] encode(BufferedImage image, String format) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertTrue(ImageIO.write(image, format, out));
		return out.toByteArray();
	}

	private static Material material(Path file) throws GltfException {
		return GltfLoader.load(file).materials().get(0);
	}

	@Test
	void aPaletteImageInADataUriDecodes() throws Exception {
		IndexColorModel palette = new IndexColorModel(8, 2, new byte[] { 0, (byte) 255 }, new byte[] { 0, 51 }, new byte[] { 0, 0 });
		BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
		image.getRaster().setSample(1, 0, 0, 1);
		Material m = material(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"" + dataUri("image/png", encode(image, "png")) + "\"}]"));
		assertArrayEquals(new float[] { 0, 0, 0, 1, 1, 51 / 255f, 0, 1 }, m.normalTexture().rgba(), 1e-6f, "linear data texture");
		assertEquals((float) Math.pow((51 / 255.0 + 0.055) / 1.055, 2.4), m.baseColorTexture().rgba()[5], 1e-6f, "base colour from sRGB");
	}

	@Test
	void aJpegInABufferViewDecodes() throws Exception {
		BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < 8; y++) {
			for (int x = 0; x < 8; x++) {
				grey.setRGB(x, y, 0x808080);
			}
		}
		byte[] jpeg = encode(grey, "jpeg");
		Bytes data = new Bytes().floats(0, 0, 0, 1, 0, 0, 0, 1, 0).raw(jpeg);
		Path file = TestGltf.gltf(dir, "t.gltf", data, """
				"bufferViews": [{"buffer": 0, "byteLength": 36}, {"buffer": 0, "byteOffset": 36, "byteLength": %d}],
				"accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}],
				"meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "material": 0}]}],
				"nodes": [{"mesh": 0}],
				"materials": [{"occlusionTexture": {"index": 0}}],
				"textures": [{"source": 0}],
				"images": [{"bufferView": 1, "mimeType": "image/jpeg"}]""".formatted(jpeg.length));
		Texture t = material(file).occlusionTexture();
		assertEquals(8, t.width());
		assertEquals(8, t.height());
		for (int i = 0; i < t.rgba().length; i += 4) {
			assertEquals(128 / 255f, t.rgba()[i], 2 / 255f, "texel " + i / 4);
			assertEquals(1, t.rgba()[i + 3]);
		}
	}

	@Test
	void greyWithAlphaAnd16BitPngsKeepTheirStoredSamples() throws Exception {
		byte[] greyAlpha = png(1, 1, 4, 8, new byte[] { 64, (byte) 192 });
		byte[] rgba16 = png(1, 1, 6, 16, new byte[] { 0x00, 0x10, (byte) 0xff, (byte) 0xff, 0x00, 0x00, (byte) 0xff, (byte) 0xff });
		Material m = material(file("{\"normalTexture\": {\"index\": 0}, \"occlusionTexture\": {\"index\": 1}}", """
				"textures": [{"source": 0}, {"source": 1}],
				"images": [{"uri": "%s"}, {"uri": "%s"}]""".formatted(dataUri("image/png", greyAlpha), dataUri("image/png", rgba16))));
		assertArrayEquals(new float[] { 64 / 255f, 64 / 255f, 64 / 255f, 192 / 255f }, m.normalTexture().rgba(), 1e-6f);
		assertArrayEquals(new float[] { 16 / 65535f, 1, 0, 1 }, m.occlusionTexture().rgba(), 1e-7f);
	}

	@Test
	void aTextureWithoutASourceIsLeftOutWithANote() throws GltfException {
		Loaded loaded = TestGltf.load(file("\"textures\": [{\"extensions\": {\"EXT_texture_webp\": {\"source\": 0}}}]"));
		assertNull(loaded.scene().materials().get(0).baseColorTexture());
		assertEquals(List.of("t.gltf: textures[0]: has no PNG or JPEG source and is left out"), loaded.notes());
	}

	@Test
	void anImageThatCannotBeDecodedIsRefusedByName() throws Exception {
		byte[] png = Files.readAllBytes(Path.of("data/gltf/textures/metal-rough.png"));
		byte[] truncated = new byte[40];
		System.arraycopy(png, 0, truncated, 0, truncated.length);
		TestGltf.write(dir, "img/cut.png", truncated);
		TestGltf.write(dir, "img/text.png", "hello, world".getBytes(StandardCharsets.US_ASCII));
		String cut = TestGltf.failure(file("\"textures\": [{\"source\": 1}], \"images\": [{\"uri\": \"img/text.png\"}, {\"uri\": \"img/cut.png\"}]"));
		assertTrue(cut.startsWith("t.gltf: images[1]: cannot be decoded: "), cut);
		assertEquals("t.gltf: images[0]: is not a PNG or JPEG image (it starts with 68 65 6c 6c 6f 2c 20 77)",
				TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"img/text.png\"}]")));
		assertEquals("t.gltf: images[0]: is not a PNG or JPEG image (it is empty)",
				TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"data:image/png;base64,\"}]")));
		String missing = TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"img/none.png\"}]"));
		assertTrue(missing.startsWith("t.gltf: images[0].uri: cannot read ") && missing.endsWith("none.png (NoSuchFileException)"), missing);
	}

	@Test
	void anImageTooLargeIsRefusedBeforeItsPixelsAreDecoded() {
		byte[] huge = png(100_000, 100_000, 0, 8, new byte[0]);
		assertEquals("t.gltf: images[0]: cannot be decoded: 100000×100000 pixels are more than the 67108864 (8192×8192) allowed here",
				TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"" + dataUri("image/png", huge) + "\"}]")));
	}

	@Test
	void anImageMustHaveExactlyOneOfUriAndBufferView() {
		assertEquals("t.gltf: images[0]: has neither a uri nor a bufferView", TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{}]")));
		assertEquals("t.gltf: images[0]: has both a uri and a bufferView",
				TestGltf.failure(file("\"textures\": [{\"source\": 0}], \"images\": [{\"uri\": \"a.png\", \"bufferView\": 0}]")));
	}

	@Test
	void badTextureReferencesAndWrapModesAreRefused() throws Exception {
		String image = "\"images\": [{\"uri\": \"" + dataUri("image/png", png(1, 1, 0, 8, new byte[] { 7 })) + "\"}]";
		assertEquals("t.gltf: samplers[0].wrapS: 1234 is not a glTF wrap mode",
				TestGltf.failure(file("\"samplers\": [{\"wrapS\": 1234}], \"textures\": [{\"source\": 0, \"sampler\": 0}], " + image)));
		assertEquals("t.gltf: textures[0].sampler: refers to samplers[1] but the file has 0 samplers",
				TestGltf.failure(file("\"textures\": [{\"source\": 0, \"sampler\": 1}], " + image)));
		assertEquals("t.gltf: materials[0].pbrMetallicRoughness.baseColorTexture.index: refers to textures[0] but the file has 0 textures",
				TestGltf.failure(file("\"extras\": {}")));
		assertEquals("t.gltf: textures[0].source: refers to images[3] but the file has 1 images", TestGltf.failure(file("\"textures\": [{\"source\": 3}], " + image)));
	}

	/** A PNG of unfiltered rows (colour types 0 grey, 4 grey-alpha, 6 RGBA), {@code pixels} the rows' samples back to back; none for a header only. */
	private static byte[] png(int width, int height, int colourType, int bitDepth, byte[] pixels) {
		Bytes out = new Bytes().bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
		chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType).array());
		if (pixels.length > 0) {
			Bytes rows = new Bytes();
			int rowBytes = pixels.length / height;
			for (int y = 0; y < height; y++) {
				rows.bytes(0).raw(Arrays.copyOfRange(pixels, y * rowBytes, (y + 1) * rowBytes));
			}
			Deflater deflater = new Deflater();
			deflater.setInput(rows.array());
			deflater.finish();
			ByteArrayOutputStream idat = new ByteArrayOutputStream();
			byte[] buf = new byte[256];
			while (!deflater.finished()) {
				idat.write(buf, 0, deflater.deflate(buf));
			}
			chunk(out, "IDAT", idat.toByteArray());
		}
		chunk(out, "IEND", new byte[0]);
		return out.array();
	}

	private static void chunk(Bytes out, String type, byte[] data) {
		byte[] t = type.getBytes(StandardCharsets.US_ASCII);
		CRC32 crc = new CRC32();
		crc.update(t);
		crc.update(data);
		out.raw(ByteBuffer.allocate(4).putInt(data.length).array()).raw(t).raw(data).raw(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}
}
