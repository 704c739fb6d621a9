package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.joml.Vector3f;
import org.junit.jupiter.api.Test;

import dev.atelier.viewport.internal.gltf.GltfLoader;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.ui.internal.gl.SceneRenderer;

/** Where scenes are first seen from (and Reset View returns to), and how a render of another shape is shown. */
class ViewportScenesTest {

	private static Scene fixture() throws Exception {
		return GltfLoader.load(Path.of(System.getProperty("atelier.gltf.fixtures", "../dev.atelier.viewport.tests/data/gltf"), "scene.gltf"));
	}

	@Test
	void aFilesSceneIsFramedWholeAlongItsCamerasDirection() throws Exception {
		Scene s = fixture();
		int width = 1229;
		int height = 486;
		OrbitCamera home = ViewportScenes.home(s, true, width / (float) height);
		Views.assertBoundsInView(home, s.bounds(), width, height);
		assertEquals(1, home.forward().dot(new Vector3f(s.cameras().get(0).forward()).normalize()), 1e-3);
	}

	@Test
	void aBuiltInSceneStartsFromItsOwnCameraAndOneWithoutFromTheOverviewFramed() {
		Scene cornell = BuiltinScenes.labelled(BuiltinScenes.CORNELL_BOX);
		Vector3f eye = ViewportScenes.home(cornell, false, 1.5f).eye();
		assertArrayEquals(cornell.cameras().get(0).position(), new float[] { eye.x, eye.y, eye.z }, 1e-4f);

		Scene spheres = BuiltinScenes.labelled(BuiltinScenes.SPHERES);
		OrbitCamera home = ViewportScenes.home(spheres, false, 1.5f);
		float[] b = spheres.bounds();
		assertEquals(0, home.target().distance((b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2), 1e-4);
		assertEquals(OrbitCamera.overview().pitch(), home.pitch(), 1e-6);
	}

	@Test
	void aRenderOfAnotherShapeKeepsItsShapeWithBarsAndAPreviewFillsTheView() {
		assertArrayEquals(new int[] { 182, 0, 864, 486 }, SceneRenderer.fit(1229, 486, 1920, 1080));
		assertArrayEquals(new int[] { 0, 93, 400, 300 }, SceneRenderer.fit(400, 486, 400, 300));
		// a preview at half the view's size, rounded down
		assertArrayEquals(new int[] { 0, 0, 1229, 486 }, SceneRenderer.fit(1229, 486, 614, 243));
	}
}
