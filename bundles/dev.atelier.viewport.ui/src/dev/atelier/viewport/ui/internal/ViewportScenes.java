package dev.atelier.viewport.ui.internal;

import java.util.List;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;
import dev.atelier.viewport.trace.BuiltinScenes;

/** The viewport's own scenes, and the sky it lights scenes with that bring no environment. */
public final class ViewportScenes {

	public static final String CORNELL_BOX = "Cornell box";
	public static final String SPHERES = "Spheres";
	/** The names {@link #named} knows, the default first. */
	public static final java.util.List<String> NAMES = java.util.List.of(CORNELL_BOX, SPHERES);

	/** Where the spheres of {@link #spheres()} are, and their radius: tests look at them. */
	public static final float[] SMOOTH_METAL = { -1.2f, 0.5f, 0 };
	public static final float[] ROUGH_METAL = { 0, 0.5f, 0 };
	public static final float[] PLASTIC = { 1.2f, 0.5f, 0 };
	public static final float SPHERE_RADIUS = 0.5f;
	public static final float SMOOTH_ROUGHNESS = 0.15f;
	public static final float ROUGH_ROUGHNESS = 0.8f;

	private static volatile Environment sky;

	private ViewportScenes() {
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
		float[] sunDirection = normalize(new float[] { -0.35f, -1f, -0.6f });
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
	static float[] skyColor(double y) {
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

	/** The built-in scenes the view offers, by name. */
	public static Scene named(String name) {
		return switch (name) {
		case CORNELL_BOX -> BuiltinScenes.cornellBox();
		case SPHERES -> spheres();
		default -> throw new IllegalArgumentException("no built-in scene '" + name + "'");
		};
	}

	/** Whether a scene brings no light of its own at all: no environment, no punctual light, nothing emissive. */
	public static boolean unlit(Scene scene) {
		return EnvironmentRadiance.isBlack(scene.environment()) && scene.lights().isEmpty() && scene.materials().stream().noneMatch(Material::emits);
	}

	/** The scene as the viewport lights it: its own environment, or the sky when it has none and {@code sky} is on. */
	public static Scene lit(Scene scene, boolean skyWhenNone) {
		if (!skyWhenNone || !EnvironmentRadiance.isBlack(scene.environment())) {
			return scene;
		}
		return new Scene(scene.name(), scene.meshes(), scene.materials(), scene.lights(), scene.cameras(), sky());
	}

	private static float[] normalize(float[] a) {
		float len = (float) Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
		return new float[] { a[0] / len, a[1] / len, a[2] / len };
	}
}
