package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngDecoder;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;

/** Our PNG codec against ImageIO's (present in the test runtime) as the reference. */
class PngCodecTest {

	@TempDir
	Path dir;

	private static final Random RANDOM = new Random(7);

	private static RgbImage noise(int w, int h) {
		RgbImage image = new RgbImage(w, h);
		for (int i = 0; i < w * h; i++) {
			// smooth gradients plus noise, so every filter type wins somewhere
			image.pixels()[i] = (i % w * 3) << 16 | (i / w * 5 & 0xFF) << 8 | RANDOM.nextInt(256);
		}
		return image;
	}

	@Test
	void anEncodedImageReadsBackIdenticallyHereAndInImageIO() throws IOException {
		RgbImage image = noise(37, 23);
		byte[] png = PngInfo.encode(image, Map.of("parameters", "x"));
		assertArrayEquals(image.pixels(), PngDecoder.decode(png, "a.png", 1 << 20).rgb().pixels());
		BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(png));
		for (int y = 0; y < 23; y++) {
			for (int x = 0; x < 37; x++) {
				assertEquals(image.rgb(x, y), back.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
			}
		}
	}

	private static byte[] write(BufferedImage image, boolean interlaced) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(out);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
			writer.write(null, new IIOImage(image, null, null), param);
		} finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	private static BufferedImage component(int w, int h, int bands, boolean alpha, int transfer) {
		ColorSpace space = ColorSpace.getInstance(bands - (alpha ? 1 : 0) == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
		ComponentColorModel model = new ComponentColorModel(space, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, transfer);
		WritableRaster raster = model.createCompatibleWritableRaster(w, h);
		int max = transfer == DataBuffer.TYPE_USHORT ? 65536 : 256;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				for (int b = 0; b < bands; b++) {
					raster.setSample(x, y, b, RANDOM.nextInt(max));
				}
			}
		}
		return new BufferedImage(model, raster, false, null);
	}

	private static void assertSamples(BufferedImage expected, PngDecoder.Samples got) {
		Raster raster = expected.getRaster();
		assertEquals(raster.getNumBands(), got.channels());
		int[] want = raster.getPixels(0, 0, expected.getWidth(), expected.getHeight(), (int[]) null);
		assertArrayEquals(want, got.values());
	}

	@Test
	void greyGreyAlphaRgbAndRgbaAt8And16BitsDecodeToTheStoredSamplesInterlacedOrNot() throws IOException {
		for (boolean interlaced : new boolean[] { false, true }) {
			for (int transfer : new int[] { DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT }) {
				for (int bands = 1; bands <= 4; bands++) {
					BufferedImage image = component(13, 11, bands, bands % 2 == 0, transfer);
					PngDecoder.Samples got = PngDecoder.decode(write(image, interlaced), "x.png", 1000);
					assertEquals(transfer == DataBuffer.TYPE_USHORT ? 16 : 8, got.depth());
					assertSamples(image, got);
				}
			}
		}
	}

	@Test
	void palettesOfOneTwoFourAndEightBitsExpandToTheirColoursWithTheirAlpha() throws IOException {
		for (int bits : new int[] { 1, 2, 4, 8 }) {
			int n = 1 << bits;
			byte[] r = new byte[n], g = new byte[n], b = new byte[n], a = new byte[n];
			for (int i = 0; i < n; i++) {
				r[i] = (byte) (i * 37);
				g[i] = (byte) (255 - i * 11);
				b[i] = (byte) (i * 5 + 3);
				a[i] = (byte) (i == 1 ? 0 : 255);
			}
			IndexColorModel model = new IndexColorModel(bits, n, r, g, b, a);
			BufferedImage image = new BufferedImage(19, 7, bits == 8 ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_BYTE_BINARY, model);
			for (int y = 0; y < 7; y++) {
				for (int x = 0; x < 19; x++) {
					image.getRaster().setSample(x, y, 0, RANDOM.nextInt(n));
				}
			}
			for (boolean interlaced : new boolean[] { false, true }) {
				PngDecoder.Samples got = PngDecoder.decode(write(image, interlaced), "p.png", 1000);
				assertEquals(4, got.channels(), bits + "-bit palette with a transparent entry");
				for (int y = 0; y < 7; y++) {
					for (int x = 0; x < 19; x++) {
						int argb = image.getRGB(x, y);
						int at = (y * 19 + x) * 4;
						int[] px = Arrays.copyOfRange(got.values(), at, at + 4);
						assertArrayEquals(new int[] { argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF, argb >>> 24 }, px, bits + "-bit palette at " + x + "," + y);
					}
				}
			}
		}
	}

	private static byte[] chunk(String type, byte[] data) {
		ByteBuffer b = ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type.getBytes()).put(data);
		CRC32 crc = new CRC32();
		crc.update(b.array(), 4, 4 + data.length);
		return b.putInt((int) crc.getValue()).array();
	}

	private static byte[] png(int w, int h, byte[] raw, int depth, int colourType) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		out.writeBytes(chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colourType).put(new byte[3]).array()));
		Deflater d = new Deflater();
		d.setInput(raw);
		d.finish();
		byte[] z = new byte[raw.length + 1024];
		int n = d.deflate(z);
		d.end();
		out.writeBytes(chunk("IDAT", Arrays.copyOf(z, n)));
		out.writeBytes(chunk("IEND", new byte[0]));
		return out.toByteArray();
	}

	@Test
	void lowBitGreyScalesToEightBits() throws IOException {
		// 2-bit grey, one row of four pixels 0,1,2,3 in one byte, filter 0
		byte[] png = png(4, 1, new byte[] { 0, (byte) 0b00011011 }, 2, 0);
		assertArrayEquals(new int[] { 0, 85, 170, 255 }, PngDecoder.decode(png, "g.png", 100).values());
	}

	@Test
	void aDecompressionBombIsRefusedFromItsHeaderBeforeAnythingIsInflated() {
		// 100000 × 100000 grey: a few hundred bytes that claim ten gigapixels
		byte[] bomb = png(100_000, 100_000, new byte[1000], 8, 0);
		IOException e = assertThrows(IOException.class, () -> PngDecoder.decode(bomb, "bomb.png", 8192L * 8192));
		assertEquals("bomb.png: 100000×100000 pixels are more than the 67108864 (8192×8192) allowed here", e.getMessage());
	}

	@Test
	void damagedImagesAreErrorsNamingTheImageAndTheDefect() throws IOException {
		byte[] good = PngInfo.encode(noise(8, 8), Map.of());
		byte[] crc = good.clone();
		crc[45] ^= 1; // inside the IDAT data (8 signature + 25 IHDR + 8 length and type)
		assertEquals("c.png: chunk IDAT is damaged (its CRC does not match)", assertThrows(IOException.class, () -> PngDecoder.decode(crc, "c.png", 100)).getMessage());
		byte[] cut = Arrays.copyOf(good, good.length - 20);
		assertTrue(assertThrows(IOException.class, () -> PngDecoder.decode(cut, "cut.png", 100)).getMessage().startsWith("cut.png: chunk IDAT claims"));
		byte[] short1 = png(4, 4, new byte[3], 8, 0);
		assertEquals("s.png: the image data is cut short (3 of 20 bytes)", assertThrows(IOException.class, () -> PngDecoder.decode(short1, "s.png", 100)).getMessage());
		byte[] badFilter = png(1, 1, new byte[] { 9, 0 }, 8, 0);
		assertEquals("f.png: a row has filter type 9 (PNG has 0 to 4)", assertThrows(IOException.class, () -> PngDecoder.decode(badFilter, "f.png", 100)).getMessage());
		byte[] badType = png(1, 1, new byte[] { 0, 0 }, 8, 5);
		assertEquals("t.png: colour type 5 with 8-bit samples is not a PNG format", assertThrows(IOException.class, () -> PngDecoder.decode(badType, "t.png", 100)).getMessage());
		byte[] noPalette = png(1, 1, new byte[] { 0, 0 }, 8, 3);
		assertEquals("n.png: a palette image without a PLTE chunk", assertThrows(IOException.class, () -> PngDecoder.decode(noPalette, "n.png", 100)).getMessage());
	}

	@Test
	void imagesReadsPngFilesAndNamesWhatItCannotRead() throws IOException {
		RgbImage image = noise(5, 3);
		Path file = Files.write(dir.resolve("i.png"), PngInfo.encode(image, Map.of()));
		assertArrayEquals(image.pixels(), Images.read(file, 100).pixels());
		Path missing = dir.resolve("none.png");
		assertEquals(missing + ": no such image", assertThrows(IOException.class, () -> Images.read(missing, 100)).getMessage());
		Path text = Files.writeString(dir.resolve("t.png"), "hello");
		assertTrue(assertThrows(IOException.class, () -> Images.read(text, 100)).getMessage().startsWith(text + ": "));
		assertEquals(dir + ": not a regular file (a folder)", assertThrows(IOException.class, () -> Images.read(dir, 100)).getMessage());
	}

	@Test
	void scalingDownAveragesAndScalingUpInterpolates() {
		RgbImage checker = RgbImage.wrap(2, 2, new int[] { 0xFFFFFF, 0, 0, 0xFFFFFF });
		assertEquals(0x808080, checker.scaled(1, 1).rgb(0, 0), "the mean of two white and two black pixels");
		RgbImage ramp = RgbImage.wrap(2, 1, new int[] { 0x000000, 0xC8C8C8 });
		RgbImage wide = ramp.scaled(4, 1);
		assertEquals(0x000000, wide.rgb(0, 0));
		assertEquals(0x323232, wide.rgb(1, 0), "a quarter of the way from black to 200");
		assertEquals(0xC8C8C8, wide.rgb(3, 0));
	}
}
