package dev.atelier.viewport.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Shapes;
import dev.atelier.viewport.scene.Texture;

/**
 * Scenes built by code, for a first look without files, tests and benchmarks: the one registry of them, so that
 * {@code atelier render --scene spheres} and the Viewport's "Spheres" are the same scene.
 */
public final class BuiltinScenes {

	public static final String CORNELL_BOX = "Cornell box";
	public static final String SPHERES = "Spheres";

	/** Where the spheres of {@link #spheres()} are, and their radius: tests look at them. */
	public static final float[] SMOOTH_METAL = { -1.2f, 0.5f, 0 };
	public static final float[] ROUGH_METAL = { 0, 0.5f, 0 };
	public static final float[] PLASTIC = { 1.2f, 0.5f, 0 };
	public static final float SPHERE_RADIUS = 0.5f;
	public static final float SMOOTH_ROUGHNESS = 0.15f;
	public static final float ROUGH_ROUGHNESS = 0.8f;

	/** A built-in scene: its id on the command line ({@code --scene ID}) and its label in the Viewport. */
	public record Builtin(String id, String label, Supplier<Scene> scene) {
	}

	/** Every built-in scene, the Viewport's default first. */
	public static final List<Builtin> ALL = List.of(new Builtin("cornell", CORNELL_BOX, BuiltinScenes::cornellBox),
			new Builtin("spheres", SPHERES, BuiltinScenes::spheres), new Builtin("furnace", "White furnace", BuiltinScenes::furnace),
			new Builtin("sphere-field", "Sphere field", () -> sphereField(16, 64)));

	private static volatile Environment sky;
	private BuiltinScenes() {
	}

	/** The built-in scene with this id: {@code cornell}, {@code spheres}, {@code furnace} or {@code sphere-field}. */
	public static Scene named(String id) {
		return ALL.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException("no built-in scene '" + id
				+ "'; there are " + String.join(", ", ALL.stream().map(Builtin::id).toList()))).scene().get();
	}

	/** The labels the Viewport offers, in order. */
	public static List<String> labels() {
		return ALL.stream().map(Builtin::label).toList();
	}

	/** The built-in scene with this label in the Viewport. */
	public static Scene labelled(String label) {
		return ALL.stream().filter(b -> b.label().equals(label)).findFirst().orElseThrow(() -> new IllegalArgumentException("no built-in scene '" + label + "'"))
				.scene().get();
	}

	/**
	 * The Cornell box from Cornell's measured data (Goral et al.; the coordinates published by the Cornell Program of
	 * Computer Graphics), in metres: white floor, ceiling and back wall, red left and green right wall, a short and
	 * a tall white block, and the ceiling light (radiance (17, 12, 4), facing down, 0.5 mm below the ceiling rather
	 * than in a hole cut in it). Lambertian RGB reflectances as commonly derived from the measured spectra. The
	 * camera looks in through the open front, 35 mm lens on a 25 mm film (39.3° field of view).
	 */
	public static Scene cornellBox() {
		Material white = Material.lambertian("white", 0.725f, 0.71f, 0.68f, null);
		Material red = Material.lambertian("red", 0.63f, 0.065f, 0.05f, null);
		Material green = Material.lambertian("green", 0.14f, 0.45f, 0.091f, null);
		Material light = Material.lambertian("light", 0.78f, 0.78f, 0.78f, new float[] { 17, 12, 4 });
		float[] inside = { 278, 274, 280 };
		MeshBuilder walls = new MeshBuilder("white walls", 0);
		walls.quad(inside, 552.8f, 0, 0, 0, 0, 0, 0, 0, 559.2f, 549.6f, 0, 559.2f);
		walls.quad(inside, 556, 548.8f, 0, 556, 548.8f, 559.2f, 0, 548.8f, 559.2f, 0, 548.8f, 0);
		walls.quad(inside, 549.6f, 0, 559.2f, 0, 0, 559.2f, 0, 548.8f, 559.2f, 556, 548.8f, 559.2f);
		MeshBuilder redWall = new MeshBuilder("red wall", 1);
		redWall.quad(inside, 552.8f, 0, 0, 549.6f, 0, 559.2f, 556, 548.8f, 559.2f, 556, 548.8f, 0);
		MeshBuilder greenWall = new MeshBuilder("green wall", 2);
		greenWall.quad(inside, 0, 0, 559.2f, 0, 0, 0, 0, 548.8f, 0, 0, 548.8f, 559.2f);
		MeshBuilder blocks = new MeshBuilder("blocks", 0);
		blocks.block(new float[] { 130, 65, 82, 225, 240, 272, 290, 114 }, 165);
		blocks.block(new float[] { 423, 247, 265, 296, 314, 456, 472, 406 }, 330);
		MeshBuilder lamp = new MeshBuilder("light", 3);
		lamp.quad(new float[] { 278, 0, 280 }, 343, 548.3f, 227, 343, 548.3f, 332, 213, 548.3f, 332, 213, 548.3f, 227);
		Camera camera = Camera.lookAt("camera", new float[] { 0.278f, 0.273f, -0.8f }, new float[] { 0.278f, 0.273f, 0 }, (float) (2 * Math.atan(12.5 / 35)));
		return new Scene(CORNELL_BOX, List.of(walls.mesh(0.001f), redWall.mesh(0.001f), greenWall.mesh(0.001f), blocks.mesh(0.001f), lamp.mesh(0.001f)),
				List.of(white, red, green, light), List.of(), List.of(camera), Environment.black());
	}

	/**
	 * Three spheres on a grey floor under the sky and a sun: smooth and rough gold metal, and red plastic. Shows at a
	 * glance what roughness and metalness do.
	 */
	public static Scene spheres() {
		float[] gold = { 1.0f, 0.78f, 0.34f, 1 };
		List<Material> materials = List.of(Material.diffuse("floor", 0.5f, 0.5f, 0.5f, null),
				new Material("smooth gold", gold, null, 1, SMOOTH_ROUGHNESS, null, null, 1, null, 1, new float[3], null, false),
				new Material("rough gold", gold.clone(), null, 1, ROUGH_ROUGHNESS, null, null, 1, null, 1, new float[3], null, false),
				new Material("red plastic", new float[] { 0.8f, 0.08f, 0.06f, 1 }, null, 0, 0.35f, null, null, 1, null, 1, new float[3], null, false));
		List<Mesh> meshes = List.of(Shapes.quad("floor", new float[] { 0, 0, 0 }, new float[] { 2.4f, 0, 0 }, new float[] { 0, 0, -1.6f }, 0),
				Shapes.sphere("smooth gold", SMOOTH_METAL, SPHERE_RADIUS, 64, 32, 1), Shapes.sphere("rough gold", ROUGH_METAL, SPHERE_RADIUS, 64, 32, 2),
				Shapes.sphere("red plastic", PLASTIC, SPHERE_RADIUS, 64, 32, 3));
		float[] sunDirection = Vecs.normalize(-0.35f, -1f, -0.6f);
		Light sun = new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 0.97f, 0.92f }, 3, null, sunDirection, 0, 0, 0);
		return new Scene(SPHERES, meshes, materials, List.of(sun), List.of(), sky());
	}

	/**
	 * A soft daylight sky as an equirectangular map: blue at the zenith, pale at the horizon, a warm grey ground below.
	 * A map rather than a formula so that the path tracer sees the same sky.
	 */
	public static Environment sky() {
		Environment e = sky;
		if (e == null) {
			int w = 128;
			int h = 64;
			float[] rgba = new float[w * h * 4];
			for (int j = 0; j < h; j++) {
				double y = Math.cos(Math.PI * (j + 0.5) / h);
				float[] c = skyColor(y);
				for (int i = 0; i < w; i++) {
					int o = (j * w + i) * 4;
					System.arraycopy(c, 0, rgba, o, 3);
					rgba[o + 3] = 1;
				}
			}
			e = new Environment(new float[] { 1, 1, 1 }, new Texture("sky", w, h, rgba, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE), 1);
			sky = e;
		}
		return e;
	}

	/** The sky's radiance at height y (the direction's cosine to +Y). */
	private static float[] skyColor(double y) {
		float[] zenith = { 0.18f, 0.32f, 0.62f };
		float[] horizon = { 0.75f, 0.8f, 0.85f };
		float[] ground = { 0.22f, 0.2f, 0.18f };
		float[] c = new float[3];
		if (y >= 0) {
			double k = Math.pow(y, 0.6);
			for (int a = 0; a < 3; a++) {
				c[a] = (float) (horizon[a] + (zenith[a] - horizon[a]) * k);
			}
		} else {
			double k = Math.min(1, -y * 6);
			for (int a = 0; a < 3; a++) {
				c[a] = (float) (horizon[a] * 0.6 + (ground[a] - horizon[a] * 0.6) * k);
			}
		}
		return c;
	}

	/**
	 * The white furnace: a Lambertian sphere of albedo 1 (radius 1 at the origin, 256 × 128 segments with its
	 * analytic normals) in a uniform environment of radiance 1. Energy conservation makes every pixel exactly 1.
	 */
	public static Scene furnace() {
		Mesh sphere = sphere("sphere", 0, 0, 0, 1, 256, 128, 0);
		Camera camera = Camera.lookAt("camera", new float[] { 0, 0, 4 }, new float[] { 0, 0, 0 }, (float) Math.toRadians(40));
		return new Scene("white furnace", List.of(sphere), List.of(Material.lambertian("white", 1, 1, 1, null)), List.of(), List.of(camera),
				Environment.uniform(1, 1, 1));
	}

	/**
	 * A benchmark scene: side × side spheres (segments around, segments / 2 rings: segments × (segments − 2)
	 * triangles each) of deterministic random radii and materials (diffuse, rough and polished metal, glossy
	 * plastic) on a grey floor, lit by a sun and a uniform sky. {@code sphereField(16, 64)} has about 1M triangles.
	 */
	public static Scene sphereField(int side, int segments) {
		List<Material> materials = List.of(Material.lambertian("floor", 0.5f, 0.5f, 0.5f, null), Material.diffuse("red plastic", 0.8f, 0.1f, 0.1f, null),
				material("gold", 1, 0.78f, 0.34f, 1, 0.3f), material("steel", 0.9f, 0.9f, 0.9f, 1, 0.05f), material("blue gloss", 0.1f, 0.2f, 0.8f, 0, 0.2f),
				Material.lambertian("white", 0.8f, 0.8f, 0.8f, null), material("copper", 0.95f, 0.64f, 0.54f, 1, 0.6f));
		List<Mesh> meshes = new ArrayList<>();
		float extent = side * 2.5f;
		MeshBuilder floor = new MeshBuilder("floor", 0);
		floor.quad(new float[] { 0, 1, 0 }, -extent, 0, -extent, extent, 0, -extent, extent, 0, extent, -extent, 0, extent);
		meshes.add(floor.mesh(1));
		SplittableRandom random = new SplittableRandom(20240601);
		for (int i = 0; i < side; i++) {
			for (int j = 0; j < side; j++) {
				float radius = 0.6f + 0.6f * (float) random.nextDouble();
				float x = (i - (side - 1) / 2f) * 2.5f + (float) random.nextDouble(-0.3, 0.3);
				float z = (j - (side - 1) / 2f) * 2.5f + (float) random.nextDouble(-0.3, 0.3);
				meshes.add(sphere("sphere " + i + "," + j, x, radius, z, radius, segments, segments / 2, 1 + random.nextInt(materials.size() - 1)));
			}
		}
		float[] sun = Vecs.normalize(-0.4f, -1, -0.3f);
		Light light = new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 0.95f, 0.9f }, 3, null, sun, 0, 0, 0);
		Camera camera = Camera.lookAt("camera", new float[] { 0, extent * 0.6f, extent * 1.4f }, new float[] { 0, 0, 0 }, (float) Math.toRadians(45));
		return new Scene("sphere field " + side + "x" + side, meshes, materials, List.of(light), List.of(camera), Environment.uniform(0.4f, 0.5f, 0.7f));
	}

	private static Material material(String name, float r, float g, float b, float metallic, float roughness) {
		return new Material(name, new float[] { r, g, b, 1 }, null, metallic, roughness, null, null, 1, null, 1, new float[3], null, false);
	}

	/** A UV sphere: closed (seam and pole vertices share exact positions), outward winding, analytic normals. */
	static Mesh sphere(String name, float cx, float cy, float cz, float radius, int segments, int rings, int material) {
		int columns = segments + 1;
		float[] positions = new float[3 * columns * (rings + 1)];
		float[] normals = new float[positions.length];
		float[] uvs = new float[2 * columns * (rings + 1)];
		for (int r = 0; r <= rings; r++) {
			double theta = Math.PI * r / rings;
			float sin = r == 0 || r == rings ? 0 : (float) Math.sin(theta);
			float cos = r == 0 ? 1 : r == rings ? -1 : (float) Math.cos(theta);
			for (int s = 0; s <= segments; s++) {
				double phi = 2 * Math.PI * (s % segments) / segments;
				float nx = sin * (float) Math.sin(phi);
				float nz = sin * (float) Math.cos(phi);
				int v = r * columns + s;
				normals[3 * v] = nx;
				normals[3 * v + 1] = cos;
				normals[3 * v + 2] = nz;
				positions[3 * v] = cx + radius * nx;
				positions[3 * v + 1] = cy + radius * cos;
				positions[3 * v + 2] = cz + radius * nz;
				uvs[2 * v] = (float) s / segments;
				uvs[2 * v + 1] = (float) r / rings;
			}
		}
		int[] indices = new int[3 * segments * (2 * rings - 2)];
		int k = 0;
		for (int r = 0; r < rings; r++) {
			for (int s = 0; s < segments; s++) {
				int a = r * columns + s;
				int b = a + 1;
				int c = a + columns;
				int d = c + 1;
				if (r > 0) {
					k = outward(positions, indices, k, a, c, b, cx, cy, cz);
				}
				if (r < rings - 1) {
					k = outward(positions, indices, k, b, c, d, cx, cy, cz);
				}
			}
		}
		return new Mesh(name, positions, normals, uvs, null, indices, material);
	}

	/** Appends triangle (a, b, c), reversed if its winding faces the centre. */
	private static int outward(float[] p, int[] indices, int k, int a, int b, int c, float cx, float cy, float cz) {
		float[] normal = Vecs.triangleNormal(p, a, b, c);
		float outX = p[3 * a] + p[3 * b] + p[3 * c] - 3 * cx;
		float outY = p[3 * a + 1] + p[3 * b + 1] + p[3 * c + 1] - 3 * cy;
		float outZ = p[3 * a + 2] + p[3 * b + 2] + p[3 * c + 2] - 3 * cz;
		boolean flip = normal[0] * outX + normal[1] * outY + normal[2] * outZ < 0;
		indices[k] = a;
		indices[k + 1] = flip ? c : b;
		indices[k + 2] = flip ? b : c;
		return k + 3;
	}

	/** Flat-shaded quads in millimetres (or any unit), each wound to face a given point. */
	private static final class MeshBuilder {
		private final String name;
		private final int material;
		private final List<float[]> quads = new ArrayList<>();

		MeshBuilder(String name, int material) {
			this.name = name;
			this.material = material;
		}

		/** A planar quad a b c d (12 floats) facing the point {@code towards}. */
		void quad(float[] towards, float... corners) {
			float[] p = corners.clone();
			float[] normal = Vecs.triangleNormal(p, 0, 1, 2);
			float side = normal[0] * (towards[0] - p[0]) + normal[1] * (towards[1] - p[1]) + normal[2] * (towards[2] - p[2]);
			if (side < 0) {
				for (int k = 0; k < 3; k++) {
					float swap = p[3 + k];
					p[3 + k] = p[9 + k];
					p[9 + k] = swap;
				}
			}
			quads.add(p);
		}

		/** A block: its footprint's four corners (x, z pairs, 8 floats) and its height, five faces facing out. */
		void block(float[] footprint, float height) {
			float cx = (footprint[0] + footprint[2] + footprint[4] + footprint[6]) / 4;
			float cz = (footprint[1] + footprint[3] + footprint[5] + footprint[7]) / 4;
			quad(new float[] { cx, 2 * height, cz }, footprint[0], height, footprint[1], footprint[2], height, footprint[3], footprint[4], height, footprint[5],
					footprint[6], height, footprint[7]);
			for (int i = 0; i < 4; i++) {
				float ax = footprint[2 * i], az = footprint[2 * i + 1];
				float bx = footprint[(2 * i + 2) % 8], bz = footprint[(2 * i + 3) % 8];
				float[] away = { (ax + bx) - cx, height / 2, (az + bz) - cz };
				quad(away, ax, 0, az, bx, 0, bz, bx, height, bz, ax, height, az);
			}
		}

		Mesh mesh(float scale) {
			float[] positions = new float[quads.size() * 12];
			float[] normals = new float[positions.length];
			int[] indices = new int[quads.size() * 6];
			for (int q = 0; q < quads.size(); q++) {
				float[] p = quads.get(q);
				float[] normal = Vecs.triangleNormal(p, 0, 1, 2);
				for (int k = 0; k < 12; k++) {
					positions[12 * q + k] = p[k] * scale;
					normals[12 * q + k] = normal[k % 3];
				}
				int v = 4 * q;
				System.arraycopy(new int[] { v, v + 1, v + 2, v, v + 2, v + 3 }, 0, indices, 6 * q, 6);
			}
			return new Mesh(name, positions, normals, null, null, indices, material);
		}
	}

	/** Small vector helpers for building geometry (not for tracing). */
	private static final class Vecs {
		private Vecs() {
		}

		static float[] normalize(float x, float y, float z) {
			float length = (float) Math.sqrt(x * x + y * y + z * z);
			return new float[] { x / length, y / length, z / length };
		}

		/** The unit normal of triangle (a, b, c) of a position array, by its winding. */
		static float[] triangleNormal(float[] p, int a, int b, int c) {
			float e1x = p[3 * b] - p[3 * a], e1y = p[3 * b + 1] - p[3 * a + 1], e1z = p[3 * b + 2] - p[3 * a + 2];
			float e2x = p[3 * c] - p[3 * a], e2y = p[3 * c + 1] - p[3 * a + 1], e2z = p[3 * c + 2] - p[3 * a + 2];
			return normalize(e1y * e2z - e1z * e2y, e1z * e2x - e1x * e2z, e1x * e2y - e1y * e2x);
		}
	}
}
