package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/** The block the CUDA kernel reads: header, sections in order and aligned, every FlatScene array unchanged. */
class PackedSceneTest {

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	/** A scene with a texture of 3 texels (12 floats, so the next section needs padding), a map environment and lights. */
	static Scene textured() {
		Texture odd = new Texture("odd", 3, 1, new float[] { 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1 }, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		float[] sky = new float[4 * 8 * 4];
		Arrays.fill(sky, 0.5f);
		Texture map = new Texture("sky", 8, 4, sky, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		Material floor = new Material("floor", new float[] { 1, 1, 1, 1 }, odd, 0, 0.5f, null, null, 1, null, 1, new float[3], null, false);
		Material lamp = Material.lambertian("lamp", 1, 1, 1, new float[] { 2, 2, 2 });
		Light point = new Light("point", Light.Type.POINT, new float[] { 1, 1, 1 }, 3, new float[] { 0, 2, 0 }, null, 0, 0, 0);
		return new Scene("textured", List.of(TestScenes.square("floor", 1, 0, true, 0), TestScenes.square("lamp", 0.2f, 1, false, 1)), List.of(floor, lamp),
				List.of(point), List.of(Camera.lookAt("camera", new float[] { 0, 1, 3 }, new float[] { 0, 0, 0 }, 1)), new Environment(new float[] { 1, 1, 1 }, map, 1));
	}

	@Test
	void everyArrayLandsUnchangedAtItsAlignedOffsetBehindTheHeader() {
		for (Scene scene : List.of(BuiltinScenes.cornellBox(), textured())) {
			FlatScene flat = FlatScene.of(scene);
			PackedScene packed = new PackedScene(flat);
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment block = arena.allocate(packed.bytes() + 64);
				block.fill((byte) 0x7f);
				packed.write(block);
				assertEquals(PackedScene.MAGIC, block.get(INT, 0), "magic");
				assertEquals("ATPS", new String(block.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.US_ASCII));
				int[] header = { PackedScene.VERSION, flat.triangleCount, flat.nodeCount(), flat.bvhDepth, flat.materials.length / FlatScene.MATERIAL_STRIDE,
						flat.textures.length / FlatScene.TEXTURE_STRIDE, flat.lightCount(), flat.emitters.length };
				for (int i = 0; i < header.length; i++) {
					assertEquals(header[i], block.get(INT, 4L * (i + 1)), scene.name() + ": header word " + (i + 1));
				}
				long end = 4L * PackedScene.HEADER_WORDS;
				for (PackedScene.Section s : PackedScene.Section.values()) {
					long at = packed.byteOffset(s);
					assertEquals(at / 4, Integer.toUnsignedLong(block.get(INT, 4L * (PackedScene.OFFSETS_WORD + s.ordinal()))), s + " offset in the header");
					assertEquals(packed.length(s), block.get(INT, 4L * (PackedScene.LENGTHS_WORD + s.ordinal())), s + " length in the header");
					assertEquals(0, at % 16, s + " starts on a 16-byte boundary");
					assertTrue(at >= end && at - end < 16, s + " follows the previous section with less than 16 bytes of padding");
					for (long p = end; p < at; p++) {
						assertEquals(0, block.get(ValueLayout.JAVA_BYTE, p), s + ": padding is zero");
					}
					switch (s.array(flat)) {
					case float[] floats -> assertArrayEquals(floats, block.asSlice(at, 4L * floats.length).toArray(FLOAT), scene.name() + " " + s);
					case int[] ints -> assertArrayEquals(ints, block.asSlice(at, 4L * ints.length).toArray(INT), scene.name() + " " + s);
					default -> throw new AssertionError(s);
					}
					end = at + 4L * packed.length(s);
				}
				assertEquals((end + 15) / 16 * 16, packed.bytes(), "the block ends with the last section, padded");
				assertEquals(0x7f, block.get(ValueLayout.JAVA_BYTE, packed.bytes()), "nothing written past the block");
			}
		}
	}

	@Test
	void texturedSceneHasEverySectionThatTheCornellBoxLacks() {
		PackedScene packed = new PackedScene(FlatScene.of(textured()));
		assertEquals(12 + 4 * 8 * 4, packed.length(PackedScene.Section.TEXELS));
		assertEquals(16, packed.length(PackedScene.Section.LIGHTS));
		assertEquals(4 * 8, packed.length(PackedScene.Section.ENVIRONMENT_PDF));
		assertEquals(4 * 9, packed.length(PackedScene.Section.ENVIRONMENT_CONDITIONAL_CDF));
		assertEquals(32 * 32, packed.length(PackedScene.Section.DIELECTRIC_ALBEDO));
	}

	@Test
	void aBlockTooSmallIsRefused() {
		PackedScene packed = new PackedScene(FlatScene.of(BuiltinScenes.cornellBox()));
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment small = arena.allocate(packed.bytes() - 1);
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> packed.write(small));
			assertTrue(e.getMessage().startsWith("a packed scene needs " + packed.bytes() + " bytes"), e.getMessage());
		}
	}

	/** The kernel's section enum and header words are the ones written here (kernels/ from this test project's folder). */
	@Test
	void theKernelReadsTheSectionsInTheOrderTheyAreWritten() throws Exception {
		String source = Files.readString(Path.of("../../kernels/pathtrace.cu"));
		Matcher sections = Pattern.compile("enum Section \\{([^}]*)\\}").matcher(source);
		assertTrue(sections.find(), "pathtrace.cu declares enum Section");
		List<String> kernel = Arrays.stream(sections.group(1).split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
		List<String> java = new ArrayList<>();
		for (PackedScene.Section s : PackedScene.Section.values()) {
			java.add("S_" + s.name());
		}
		assertEquals(java, kernel);
		assertTrue(source.contains("constexpr int H_LIGHTS = 7, H_EMITTERS = 8;") && source.contains("constexpr int H_OFFSETS = " + PackedScene.OFFSETS_WORD + ";"),
				"header words");
		// The kernel takes the sections as pointers in the same order.
		Matcher params = Pattern.compile("__global__ void __launch_bounds__\\([^)]*\\) pathtrace\\((.*?)\\) \\{", Pattern.DOTALL).matcher(source);
		assertTrue(params.find());
		List<String> names = new ArrayList<>();
		Matcher pointer = Pattern.compile("\\*__restrict__ (\\w+)").matcher(params.group(1));
		while (pointer.find()) {
			names.add(pointer.group(1));
		}
		assertEquals(List.of("nodes", "triangles", "triangleVertices", "triangleMaterials", "normals", "texcoords", "tangents", "materials", "texels",
				"textures", "lights", "emitters", "emitterCdf", "environment", "environmentPdf", "environmentMarginal", "environmentConditional",
				"dielectricAlbedo", "film", "counters"), names);
	}
}
