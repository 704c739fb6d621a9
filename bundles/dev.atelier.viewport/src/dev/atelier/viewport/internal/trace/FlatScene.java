package dev.atelier.viewport.internal.trace;

import java.util.OptionalInt;

import dev.atelier.viewport.scene.Scene;

/**
 * A scene flattened into plain arrays for tracing: the CPU tracer reads exactly these, and the CUDA tracer uploads
 * them unchanged (floats as {@code float}, ints as {@code int32}, little-endian when copied as bytes). Indices are
 * 0-based; "−1" marks an absent texture. Arrays are shared, never copied: do not modify them.
 *
 * <h2>Triangles (in BVH leaf order)</h2>
 * <ul>
 * <li>{@link #triangles}: 9 floats per triangle {@code v0.xyz v1.xyz v2.xyz}, world space; triangle {@code t} at
 * {@code 9t}. The winding gives the geometric normal {@code cross(v1 − v0, v2 − v0)}: its side is the front.</li>
 * <li>{@link #triangleVertices}: 3 ints per triangle, the vertex index of v0, v1, v2 into the vertex arrays.</li>
 * <li>{@link #triangleMaterials}: 1 int per triangle, the material index.</li>
 * <li>{@link #triangleMeshes}: 1 int per triangle, the index of the scene mesh it came from (for {@link #pick}). Host
 * side only: {@code PackedScene} does not upload it, so the CUDA kernel's layout is unchanged.</li>
 * </ul>
 * <h2>Vertices (meshes concatenated in scene order)</h2>
 * <ul>
 * <li>{@link #normals}: 3 floats per vertex, unit shading normal.</li>
 * <li>{@link #texcoords}: 2 floats per vertex, glTF TEXCOORD_0 (v down); 0 where the mesh had none.</li>
 * <li>{@link #tangents}: 4 floats per vertex, xyz and w = bitangent sign; all 0 where the mesh had none (then
 * normal maps are ignored).</li>
 * </ul>
 * <h2>BVH ({@link #nodes}, {@link #NODE_STRIDE} = 8 words = 32 bytes per node, root at 0)</h2>
 * Depth-first order: an interior node's first child is the next node. Words 3 and 7 hold int32 bits stored in the
 * float array ({@link Float#intBitsToFloat}; read them with {@code __float_as_int}); they are never negative.
 * <pre>
 * word 0..2  bounds min x, y, z
 * word 3     interior: index of the second child node; leaf: first triangle index
 * word 4..6  bounds max x, y, z
 * word 7     leaf: triangle count (1..4); interior: 0
 * </pre>
 * An empty scene has a single root with bounds min = +∞, max = −∞, which no ray enters. Leaves lie at most
 * {@link #bvhDepth} &lt; {@link #MAX_BVH_DEPTH} levels below the root, so a traversal stack of {@link #MAX_BVH_DEPTH}
 * entries always suffices.
 * <h2>Materials ({@link #materials}, {@link #MATERIAL_STRIDE} = 20 floats per material)</h2>
 * <pre>
 * 0..3   base colour factor RGBA (linear)
 * 4..6   emissive factor RGB (radiance, emissive strength included)
 * 7      metallic factor
 * 8      roughness factor (perceptual; α = roughness²)
 * 9      specular factor (KHR_materials_specular; 1 by default)
 * 10     normal scale
 * 11     1 if double-sided (emits from both sides), else 0
 * 12     base colour texture index, or −1
 * 13     metallic-roughness texture index (B metal, G rough), or −1
 * 14     normal texture index, or −1
 * 15     emissive texture index, or −1
 * 16     light sampling pdf per unit area of this material's emitting triangles (0 if not sampled)
 * 17..19 0 (padding to 80 bytes)
 * </pre>
 * Texture indices are exact small integers stored as floats.
 * <h2>Textures</h2>
 * {@link #texels}: every texture's linear RGBA floats, concatenated, each row-major from the top-left texel.
 * {@link #textures}: {@link #TEXTURE_STRIDE} = 4 ints per texture: {@code offset} (in floats, into texels),
 * {@code width}, {@code height}, {@code wrapS | wrapT << 4} with 0 repeat, 1 clamp to edge, 2 mirrored repeat.
 * Sampling is bilinear exactly as {@link dev.atelier.viewport.scene.Texture#sample} (see {@link Texels}).
 * <h2>Punctual lights ({@link #lights}, {@link #LIGHT_STRIDE} = 16 floats per light)</h2>
 * <pre>
 * 0      type: 0 point, 1 spot, 2 directional
 * 1..3   colour × intensity (candela for point and spot, lux for directional, taken as radiometric W/sr and W/m²)
 * 4..6   position (point, spot)
 * 7      range (0 = infinite); attenuation max(min(1 − (d/range)⁴, 1), 0) / d² as KHR_lights_punctual recommends
 * 8..10  unit direction light travels (spot, directional)
 * 11     spot angle scale = 1 / max(0.001, cos inner − cos outer)
 * 12     spot angle offset = −cos outer × scale; attenuation clamp(cosθ · scale + offset, 0, 1)²
 * 13..15 0 (padding)
 * </pre>
 * <h2>Emissive triangles</h2>
 * {@link #emitters}: the triangle index of every triangle whose material emits. {@link #emitterCdf}: emitters + 1
 * floats, 0 first and 1 last; emitter i is chosen with probability {@code cdf[i+1] − cdf[i]}, proportional to its
 * area × the luminance of its emissive factor (× its emissive texture's mean luminance), so the area pdf of a
 * point is constant per material (word 16 above).
 * <h2>Environment</h2>
 * {@link #environment}: {@link #ENVIRONMENT_SIZE} = 8 floats:
 * <pre>
 * 0..2   radiance scale RGB: the uniform radiance, or the intensity that multiplies the map
 * 3      equirectangular texture index, or −1 for uniform radiance
 * 4      distribution rows R (0 when uniform or black: no importance sampling table)
 * 5      distribution columns C
 * 6      1 if the environment is sampled as a light (it has radiance), else 0
 * 7      0 (padding)
 * </pre>
 * Directions: u = atan2(x, −z) / 2π wrapped to [0, 1), v = acos(y) / π; longitude from −Z through +X, +Y up.
 * A uniform environment is sampled uniformly over the sphere (pdf 1/4π). A map is importance sampled over an
 * R × C grid of cells: {@link #environmentPdf} (R·C floats, the pdf over (u, v) ∈ [0,1)² of each cell, row-major),
 * {@link #environmentMarginalCdf} (R + 1 floats over rows) and {@link #environmentConditionalCdf} (R·(C + 1) floats,
 * row r's cdf over columns at {@code r(C + 1)}); cell (r, c) covers v ∈ [r/R, (r+1)/R), u ∈ [c/C, (c+1)/C). A sample
 * picks row r by the marginal cdf and column c by row r's cdf, placing (u, v) linearly within the chosen segments;
 * the solid-angle pdf is {@code pdf(u, v) / (2π² sin θ)}.
 * <h2>BSDF table</h2>
 * {@link #dielectricAlbedo}: 32 × 32 floats, the same for every scene: the directional albedo E(μ, r) of the
 * dielectric specular lobe, row j for roughness j / 31, column i for cos θ_v = (i / 31)², read bilinearly in
 * (√cos θ_v, roughness) with clamping; the diffuse layer is weighted by 1 − specular factor × E (see {@code Bsdf}).
 */
public final class FlatScene {

	public static final int NODE_STRIDE = 8;
	public static final int MATERIAL_STRIDE = 20;
	public static final int TEXTURE_STRIDE = 4;
	public static final int LIGHT_STRIDE = 16;
	public static final int ENVIRONMENT_SIZE = 8;
	/** A bound on the BVH's depth: the traversal stack size. */
	public static final int MAX_BVH_DEPTH = BvhBuilder.MAX_DEPTH;

	public final int triangleCount;
	public final float[] triangles;
	public final int[] triangleVertices;
	public final int[] triangleMaterials;
	public final int[] triangleMeshes;
	public final float[] normals;
	public final float[] texcoords;
	public final float[] tangents;
	public final float[] nodes;
	public final int bvhDepth;
	public final float[] materials;
	public final float[] texels;
	public final int[] textures;
	public final float[] lights;
	public final int[] emitters;
	public final float[] emitterCdf;
	public final float[] environment;
	public final float[] environmentPdf;
	public final float[] environmentMarginalCdf;
	public final float[] environmentConditionalCdf;
	public final float[] dielectricAlbedo = Bsdf.DIELECTRIC_ALBEDO;

	FlatScene(float[] triangles, int[] triangleVertices, int[] triangleMaterials, int[] triangleMeshes, float[] normals, float[] texcoords, float[] tangents, float[] nodes,
			int bvhDepth, float[] materials, float[] texels, int[] textures, float[] lights, int[] emitters, float[] emitterCdf, float[] environment,
			float[] environmentPdf, float[] environmentMarginalCdf, float[] environmentConditionalCdf) {
		this.triangleCount = triangleMaterials.length;
		this.triangles = triangles;
		this.triangleVertices = triangleVertices;
		this.triangleMaterials = triangleMaterials;
		this.triangleMeshes = triangleMeshes;
		this.normals = normals;
		this.texcoords = texcoords;
		this.tangents = tangents;
		this.nodes = nodes;
		this.bvhDepth = bvhDepth;
		this.materials = materials;
		this.texels = texels;
		this.textures = textures;
		this.lights = lights;
		this.emitters = emitters;
		this.emitterCdf = emitterCdf;
		this.environment = environment;
		this.environmentPdf = environmentPdf;
		this.environmentMarginalCdf = environmentMarginalCdf;
		this.environmentConditionalCdf = environmentConditionalCdf;
	}

	/** Flattens a scene and builds its BVH (in parallel on the common fork-join pool). */
	public static FlatScene of(Scene scene) {
		return SceneFlattener.flatten(scene);
	}

	/**
	 * The scene mesh (its index in {@link Scene#meshes}) that a ray from {@code origin} along {@code direction} meets
	 * first, or empty when it meets nothing. Safe to call from any thread.
	 */
	public OptionalInt pick(float[] origin, float[] direction) {
		float length = (float) Math.sqrt(direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
		if (!(length > 0)) {
			return OptionalInt.empty();
		}
		Intersector intersector = new Intersector(this);
		if (!intersector.closestHit(origin[0], origin[1], origin[2], direction[0] / length, direction[1] / length, direction[2] / length,
				Float.POSITIVE_INFINITY)) {
			return OptionalInt.empty();
		}
		return OptionalInt.of(triangleMeshes[intersector.hitTriangle]);
	}

	public int nodeCount() {
		return nodes.length / NODE_STRIDE;
	}

	public int lightCount() {
		return lights.length / LIGHT_STRIDE;
	}
}
