package dev.atelier.viewport.ui.internal;

import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;

/** How the viewport lights scenes: with the daylight sky of the built-in scenes where they bring no light of their own. */
public final class ViewportScenes {

	private ViewportScenes() {
	}

	/** Whether a scene brings no light of its own at all: no environment, no punctual light, nothing emissive. */
	public static boolean unlit(Scene scene) {
		return EnvironmentRadiance.isBlack(scene.environment()) && scene.lights().isEmpty() && scene.materials().stream().noneMatch(Material::emits);
	}

	/**
	 * Where the view starts for a scene, and where Reset View returns to: a built-in scene from its own camera; a
	 * file's scene framed whole (its camera, where it has one, need not look at its meshes), along its first camera's
	 * direction or from the overview's.
	 */
	public static OrbitCamera home(Scene scene, boolean fromFile, float aspect) {
		if (scene.meshes().isEmpty()) {
			return OrbitCamera.overview();
		}
		OrbitCamera camera = OrbitCamera.overview();
		if (!scene.cameras().isEmpty()) {
			camera = new OrbitCamera();
			camera.lookFrom(scene.cameras().get(0), scene.bounds());
			if (!fromFile) {
				return camera;
			}
		}
		camera.frame(scene.bounds(), aspect);
		return camera;
	}

	/** The scene as the viewport lights it: its own environment, or the sky when it has none and {@code sky} is on. */
	public static Scene lit(Scene scene, boolean skyWhenNone) {
		if (!skyWhenNone || !EnvironmentRadiance.isBlack(scene.environment())) {
			return scene;
		}
		return new Scene(scene.name(), scene.meshes(), scene.materials(), scene.lights(), scene.cameras(), BuiltinScenes.sky());
	}
}
