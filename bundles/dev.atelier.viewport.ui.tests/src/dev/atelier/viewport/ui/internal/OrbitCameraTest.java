package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.joml.Vector3f;
import org.joml.Vector4f;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.atelier.viewport.scene.Camera;

class OrbitCameraTest {

	private static final float[] BOUNDS = { -2, 0, -1, 4, 1.5f, 3 };

	private static float[][] corners(float[] b) {
		float[][] c = new float[8][];
		for (int i = 0; i < 8; i++) {
			c[i] = new float[] { (i & 1) == 0 ? b[0] : b[3], (i & 2) == 0 ? b[1] : b[4], (i & 4) == 0 ? b[2] : b[5] };
		}
		return c;
	}

	@ParameterizedTest
	@CsvSource({ "0, 0, 1", "0.7, 0.4, 1.6", "-2.5, -0.8, 0.5", "3.1, 1.5, 2.4" })
	void framingPutsEveryCornerOfTheBoundsInsideTheViewAndFillsIt(float yaw, float pitch, float aspect) {
		OrbitCamera camera = new OrbitCamera(new Vector3f(100, -40, 7), 0.01f, yaw, pitch, (float) Math.toRadians(50));
		camera.frame(BOUNDS, aspect);
		var viewProjection = camera.viewProjection(aspect);
		float extent = 0;
		for (float[] c : corners(BOUNDS)) {
			Vector4f clip = viewProjection.transform(new Vector4f(c[0], c[1], c[2], 1));
			assertTrue(clip.w > 0, "corner in front of the eye");
			float x = clip.x / clip.w;
			float y = clip.y / clip.w;
			float z = clip.z / clip.w;
			assertTrue(Math.abs(x) <= 1 && Math.abs(y) <= 1, "corner " + java.util.Arrays.toString(c) + " at " + x + ", " + y);
			assertTrue(z > -1 && z < 1, "corner between the near and far planes: " + z);
			extent = Math.max(extent, Math.max(Math.abs(x), Math.abs(y)));
		}
		assertTrue(extent > 0.5f, "the bounds fill a good part of the view, not a speck: " + extent);
		assertEquals(new Vector3f(1, 0.75f, 1), camera.target(), "looks at the centre");
	}

	@Test
	void orbitingKeepsTheDistanceAndStopsShortOfThePoles() {
		OrbitCamera camera = new OrbitCamera(new Vector3f(1, 2, 3), 5, 0, 0, 1);
		Vector3f before = camera.eye();
		camera.orbit(40, 0);
		assertEquals(5, camera.eye().distance(camera.target()), 1e-4);
		assertTrue(camera.eye().distance(before) > 1, "the eye moved round");
		assertEquals(-0.4f, camera.yaw(), 1e-6, "dragging right turns the eye left");
		camera.orbit(0, 10_000);
		assertEquals(OrbitCamera.MAX_PITCH, camera.pitch(), 1e-6);
		assertEquals(5, camera.eye().distance(camera.target()), 1e-4);
		assertTrue(camera.up().y > 0, "up stays defined at the pole");
		camera.orbit(0, -20_000);
		assertEquals(-OrbitCamera.MAX_PITCH, camera.pitch(), 1e-6);
	}

	@Test
	void panningMovesThePointUnderTheMouseWithTheMouse() {
		OrbitCamera camera = new OrbitCamera(new Vector3f(0, 0, 0), 4, 0.6f, 0.3f, 1);
		float[] target = { 0, 0, 0 };
		float[] before = camera.project(target, 800, 600);
		camera.pan(30, -20, 600);
		float[] after = camera.project(target, 800, 600);
		assertNotNull(after);
		assertEquals(before[0] + 30, after[0], 0.05, "x follows the mouse");
		assertEquals(before[1] - 20, after[1], 0.05, "y follows the mouse");
		assertEquals(4, camera.distance(), 1e-6, "panning does not zoom");
	}

	@Test
	void theWheelZoomsTowardsTheTargetButNeverThroughIt() {
		OrbitCamera camera = new OrbitCamera(new Vector3f(), 10, 0, 0, 1);
		camera.zoom(1);
		assertEquals(9, camera.distance(), 1e-5);
		camera.zoom(-2);
		assertEquals(10 / 0.9, camera.distance(), 1e-4);
		camera.zoom(10_000);
		assertTrue(camera.distance() > 0, "still in front of the target");
		assertTrue(camera.near() > 0 && camera.near() < camera.far());
	}

	@Test
	void aSceneCameraIsTakenOverWithItsPositionAndDirection() {
		Camera scene = Camera.lookAt("cam", new float[] { 3, 2, 5 }, new float[] { 0, 0.5f, 0 }, 0.8f);
		OrbitCamera camera = new OrbitCamera();
		camera.lookFrom(scene, BOUNDS);
		Vector3f eye = camera.eye();
		assertEquals(3, eye.x, 1e-4);
		assertEquals(2, eye.y, 1e-4);
		assertEquals(5, eye.z, 1e-4);
		Vector3f f = camera.forward();
		assertEquals(1, f.dot(new Vector3f(scene.forward())), 1e-5);
		assertEquals(0.8f, camera.yfov(), 1e-6);

		Camera back = camera.toCamera("view", 1.5f);
		assertEquals(0, new Vector3f(back.forward()).dot(new Vector3f(back.up())), 1e-5, "forward and up are orthogonal");
		assertEquals(1, new Vector3f(back.up()).length(), 1e-5);
		assertEquals(1.5f, back.aspect());
		assertEquals(3, back.position()[0], 1e-4);
	}

	@ParameterizedTest
	@CsvSource({ "0, 0, 400, 300", "0.7, 0.4, 640, 360", "-2.5, -0.8, 300, 500" })
	void theRayThroughAPixelProjectsBackOntoThatPixel(float yaw, float pitch, int width, int height) {
		OrbitCamera camera = new OrbitCamera(new Vector3f(1, 2, 3), 4, yaw, pitch, (float) Math.toRadians(50));
		for (float[] pixel : new float[][] { { 0, 0 }, { width / 2f, height / 2f }, { width * 0.9f, height * 0.2f }, { 10, height - 1 } }) {
			Vector3f point = camera.ray(pixel[0], pixel[1], width, height).mul(3).add(camera.eye());
			float[] p = camera.project(new float[] { point.x, point.y, point.z }, width, height);
			assertEquals(pixel[0], p[0], 1e-2, "x");
			assertEquals(pixel[1], p[1], 1e-2, "y");
		}
	}

	@Test
	void framingAPartFitsThePartButKeepsTheWholeSceneBetweenTheNearAndFarPlanes() {
		float[] part = { 3, 1, 2, 4, 1.5f, 3 };
		OrbitCamera camera = OrbitCamera.overview();
		camera.frame(part, BOUNDS, 1.5f);
		assertEquals(new Vector3f(3.5f, 1.25f, 2.5f), camera.target(), "looks at the part");
		for (float[] c : corners(part)) {
			float[] p = camera.project(c, 300, 200);
			assertTrue(p[0] >= 0 && p[0] <= 300 && p[1] >= 0 && p[1] <= 200, "the part's corners are in view");
		}
		for (float[] c : corners(BOUNDS)) {
			float depth = new Vector3f(c[0], c[1], c[2]).sub(camera.eye()).dot(camera.forward());
			assertTrue(depth < camera.far(), "the scene's corner " + java.util.Arrays.toString(c) + " is before the far plane");
		}
		assertTrue(camera.near() < camera.distance() / 2, "the near plane is well before the part: " + camera.near());
	}
}
