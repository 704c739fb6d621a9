package dev.atelier.viewport.internal.trace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A {@link FlatScene} as one little-endian block for device memory, which {@code kernels/pathtrace.cu} reads: a
 * header of {@value #HEADER_WORDS} 32-bit words, then every flat array unchanged (floats as float32, ints as
 * int32), each starting on a {@value #ALIGNMENT}-byte boundary so that the BVH nodes and texels can be read as
 * {@code float4}.
 * <pre>
 * word 0       magic {@value #MAGIC} ("ATPS" in ASCII), 1 version {@value #VERSION}
 * word 2..8    triangles, BVH nodes, BVH depth, materials, textures, punctual lights, emitters
 * word 16 + s  section s's offset from the start, in 32-bit words (sections in {@link Section} order)
 * word 40 + s  section s's length in elements (floats or ints)
 * </pre>
 * Offsets are unsigned 32-bit word counts, so a packed scene can reach 16 GiB. The kernel receives each section's
 * device address as a parameter; the header makes the block self-describing (the host emulator and the tests
 * read it).
 */
final class PackedScene {

	static final int HEADER_WORDS = 64;
	static final int MAGIC = 0x53505441;
	static final int VERSION = 1;
	static final int ALIGNMENT = 16;
	static final int OFFSETS_WORD = 16;
	static final int LENGTHS_WORD = 40;
	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	/** The sections in the order the header lists them and the kernel takes them. */
	enum Section {
		NODES, TRIANGLES, TRIANGLE_VERTICES, TRIANGLE_MATERIALS, NORMALS, TEXCOORDS, TANGENTS, MATERIALS, TEXELS, TEXTURES, LIGHTS, EMITTERS,
		EMITTER_CDF, ENVIRONMENT, ENVIRONMENT_PDF, ENVIRONMENT_MARGINAL_CDF, ENVIRONMENT_CONDITIONAL_CDF, DIELECTRIC_ALBEDO;

		/** The scene's array for this section: a float[] or an int[]. */
		Object array(FlatScene s) {
			return switch (this) {
			case NODES -> s.nodes;
			case TRIANGLES -> s.triangles;
			case TRIANGLE_VERTICES -> s.triangleVertices;
			case TRIANGLE_MATERIALS -> s.triangleMaterials;
			case NORMALS -> s.normals;
			case TEXCOORDS -> s.texcoords;
			case TANGENTS -> s.tangents;
			case MATERIALS -> s.materials;
			case TEXELS -> s.texels;
			case TEXTURES -> s.textures;
			case LIGHTS -> s.lights;
			case EMITTERS -> s.emitters;
			case EMITTER_CDF -> s.emitterCdf;
			case ENVIRONMENT -> s.environment;
			case ENVIRONMENT_PDF -> s.environmentPdf;
			case ENVIRONMENT_MARGINAL_CDF -> s.environmentMarginalCdf;
			case ENVIRONMENT_CONDITIONAL_CDF -> s.environmentConditionalCdf;
			case DIELECTRIC_ALBEDO -> s.dielectricAlbedo;
			};
		}
	}

	private static final Section[] SECTIONS = Section.values();

	private final FlatScene scene;
	private final long[] offsets = new long[SECTIONS.length];
	private final int[] lengths = new int[SECTIONS.length];
	private final long bytes;

	PackedScene(FlatScene scene) {
		this.scene = scene;
		long words = HEADER_WORDS;
		for (Section s : SECTIONS) {
			int length = length(s.array(scene));
			offsets[s.ordinal()] = words;
			lengths[s.ordinal()] = length;
			words += align(length);
		}
		if (words > 0xFFFF_FFFFL) {
			throw new IllegalArgumentException("a scene of " + words * 4 + " bytes is over the 16 GiB a packed scene can address");
		}
		bytes = 4 * words;
	}

	FlatScene scene() {
		return scene;
	}

	/** The size of the block in bytes. */
	long bytes() {
		return bytes;
	}

	/** Where a section starts, in bytes from the start of the block (a multiple of {@value #ALIGNMENT}). */
	long byteOffset(Section section) {
		return 4 * offsets[section.ordinal()];
	}

	/** A section's length in elements. */
	int length(Section section) {
		return lengths[section.ordinal()];
	}

	/** Writes the block into {@code target} (at least {@link #bytes()} long) from offset 0; padding is zeroed. */
	void write(MemorySegment target) {
		if (target.byteSize() < bytes) {
			throw new IllegalArgumentException("a packed scene needs " + bytes + " bytes, not " + target.byteSize());
		}
		MemorySegment block = target.asSlice(0, bytes);
		block.asSlice(0, 4L * HEADER_WORDS).fill((byte) 0);
		int[] header = { MAGIC, VERSION, scene.triangleCount, scene.nodeCount(), scene.bvhDepth, scene.materials.length / FlatScene.MATERIAL_STRIDE,
				scene.textures.length / FlatScene.TEXTURE_STRIDE, scene.lightCount(), scene.emitters.length };
		MemorySegment.copy(header, 0, block, INT, 0, header.length);
		for (Section s : SECTIONS) {
			int i = s.ordinal();
			block.set(INT, 4L * (OFFSETS_WORD + i), (int) offsets[i]);
			block.set(INT, 4L * (LENGTHS_WORD + i), lengths[i]);
			long at = 4 * offsets[i];
			switch (s.array(scene)) {
			case float[] floats -> MemorySegment.copy(floats, 0, block, FLOAT, at, floats.length);
			case int[] ints -> MemorySegment.copy(ints, 0, block, INT, at, ints.length);
			default -> throw new IllegalStateException(s.name());
			}
			long end = at + 4L * lengths[i];
			long next = 4 * (offsets[i] + align(lengths[i]));
			block.asSlice(end, next - end).fill((byte) 0);
		}
	}

	private static int length(Object array) {
		return array instanceof float[] f ? f.length : ((int[]) array).length;
	}

	/** Words rounded up to the alignment (in words). */
	private static long align(long words) {
		long unit = ALIGNMENT / 4;
		return (words + unit - 1) / unit * unit;
	}
}
