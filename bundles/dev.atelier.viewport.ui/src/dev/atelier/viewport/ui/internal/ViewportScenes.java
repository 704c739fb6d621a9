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

	/** The scene as the viewport lights it: its own environment, or the sky when it has none and {@code sky} is on. */
	public static Scene lit(Scene scene, boolean skyWhenNone) {
		if (!skyWhenNone || !EnvironmentRadiance.isBlack(scene.environment())) {
			return scene;
		}
		return new Scene(scene.name(), scene.meshes(), scene.materials(), scene.lights(), scene.cameras(), BuiltinScenes.sky());
	}
}
