package dev.atelier.viewport.ui.internal;

import java.time.Duration;

import dev.atelier.ui.ThemeColours;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.JobThreads;
import dev.atelier.testing.ui.Screenshots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.joml.Vector3f;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.ui.internal.gl.GlObjects;

/** The Viewport in a plain shell under Xvfb (Mesa's llvmpipe): real GL, pixels read back. */
class ViewportPartTest {

	@TempDir
	Path dir;
	private Display display;
	private Shell shell;
	private ViewportPart part;

	@BeforeEach
	void open() throws Exception {
		display = Display.getDefault();
		shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(900, 650);
		part = new ViewportPart(Views.jobs(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		assertNotNull(part.form.viewport, "no GL viewport: " + part.form.status.getText());
		Displays.spinUntil(display, () -> !Double.isNaN(part.form.viewport.frameTimes().meanMillis()));
		assertEquals(BuiltinScenes.CORNELL_BOX, part.controller.scene.name(), "the Cornell box first");
		part.form.scenes.select(BuiltinScenes.labels().indexOf(BuiltinScenes.SPHERES));
		Displays.click(part.form.scenes);
		assertEquals(BuiltinScenes.SPHERES, part.controller.scene.name());
	}

	@AfterEach
	void close() {
		part.close();
		if (!shell.isDisposed()) {
			shell.dispose();
		}
	}

	private int[] capture() {
		return part.form.viewport.capture();
	}

	/** The drawable's size (asks the monitor's zoom: keep it out of loops over pixels). */
	private int w() {
		return part.form.viewport.pixelWidth();
	}

	private int h() {
		return part.form.viewport.pixelHeight();
	}

	/** What the view shows of the environment alone, from the same camera: the background to tell geometry from. */
	private int[] background() {
		Scene s = part.form.viewport.scene();
		part.form.viewport.setScene(new Scene("nothing", List.of(), List.of(), List.of(), List.of(), s.environment()));
		int[] pixels = capture();
		part.form.viewport.setScene(s);
		return pixels;
	}

	@Test
	void theViewGetsAGl33ContextAndShowsTheLitSpheres() throws Exception {
		String version = part.form.viewport.glVersion();
		Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
		assertTrue(m.find(), version);
		int major = Integer.parseInt(m.group(1));
		int minor = Integer.parseInt(m.group(2));
		assertTrue(major > 3 || major == 3 && minor >= 3, "GL 3.3 or later: " + version);
		System.out.println("Viewport GL: " + part.form.viewport.glDescription());

		int[] scene = capture();
		int[] sky = background();
		double covered = Views.differing(scene, sky, 12);
		assertTrue(covered > 0.08, "geometry covers " + covered + " of the view");
		// the floor under the spheres is lit, not black
		float[] floor = part.form.viewport.camera().project(new float[] { 0, 0, 1.2f }, w(), h());
		assertTrue(Views.mean(Views.disc(scene, w(), h(), floor[0], floor[1], 6)) > 40, "the floor is lit");
		float[] plastic = part.form.viewport.camera().project(BuiltinScenes.PLASTIC, w(), h());
		int centre = scene[(int) plastic[1] * w() + (int) plastic[0]];
		assertTrue((centre >> 16 & 0xFF) > 2 * (centre >> 8 & 0xFF), "the plastic sphere is red: " + Integer.toHexString(centre));
		assertTrue(part.form.frameTime.getText().endsWith("ms/frame"), part.form.frameTime.getText());
		assertTrue(Boolean.getBoolean(dev.atelier.viewport.ui.internal.gl.Gl.CHECK_PROPERTY), "every frame's GL errors are checked");
		assertTrue(part.form.status.getText().startsWith("Spheres: 4 meshes, 12,290 triangles, 4 materials, 1 lights, its own environment."),
				part.form.status.getText());
		Screenshots.savePixels(scene, w(), h(), "viewport-spheres.png");
		Screenshots.saveFromScreen(shell, "viewport.png");
	}

	@Test
	void theSmoothMetalSphereHasABrighterHighlightThanTheRoughOne() throws Exception {
		int[] pixels = capture();
		OrbitCamera camera = part.form.viewport.camera();
		float[] smooth = camera.project(BuiltinScenes.SMOOTH_METAL, w(), h());
		float[] rough = camera.project(BuiltinScenes.ROUGH_METAL, w(), h());
		float[] rim = camera.project(new float[] { BuiltinScenes.ROUGH_METAL[0] + BuiltinScenes.SPHERE_RADIUS, BuiltinScenes.ROUGH_METAL[1],
				BuiltinScenes.ROUGH_METAL[2] }, w(), h());
		float radius = Math.abs(rim[0] - rough[0]) * 0.85f;
		assertTrue(radius > 15, "the spheres are big enough to look at: " + radius + " px");
		double[] smoothL = Views.disc(pixels, w(), h(), smooth[0], smooth[1], radius);
		double[] roughL = Views.disc(pixels, w(), h(), rough[0], rough[1], radius);
		double smoothPeak = Views.max(smoothL);
		double roughPeak = Views.max(roughL);
		System.out.printf("highlight peaks: smooth %.1f, rough %.1f; means %.1f, %.1f%n", smoothPeak, roughPeak, Views.mean(smoothL), Views.mean(roughL));
		assertTrue(smoothPeak > roughPeak + 20, "smooth peak " + smoothPeak + " vs rough " + roughPeak);
		assertTrue(smoothPeak > 230, "the sun's highlight on smooth gold is near white: " + smoothPeak);
		assertTrue(Views.mean(roughL) > 60, "the rough sphere is lit: " + Views.mean(roughL));
	}

	/** Floor points that the camera sees, in the sun's shadow of a sphere or not, found by intersecting rays with the spheres. */
	@Test
	void theSunCastsShadowsOfTheSpheres() throws Exception {
		int[] pixels = capture();
		OrbitCamera camera = part.form.viewport.camera();
		float[] sun = { -0.35f, -1f, -0.6f };
		float len = (float) Math.sqrt(sun[0] * sun[0] + sun[1] * sun[1] + sun[2] * sun[2]);
		float[] toSun = { -sun[0] / len, -sun[1] / len, -sun[2] / len };
		Vector3f eye = camera.eye();
		int width = w();
		int height = h();
		double shadowSum = 0, litSum = 0;
		int shadowCount = 0, litCount = 0;
		for (float x = -2.3f; x <= 2.3f; x += 0.05f) {
			for (float z = -1.5f; z <= 1.5f; z += 0.05f) {
				float[] p = { x, 0, z };
				float[] toEye = { eye.x - x, eye.y, eye.z - z };
				if (blocked(p, toEye, 1)) {
					continue; // hidden behind a sphere
				}
				float[] at = camera.project(p, width, height);
				double l = Views.mean(Views.disc(pixels, width, height, at[0], at[1], 1.5f));
				boolean shadowed = blocked(p, toSun, Float.MAX_VALUE);
				// keep away from the penumbra: the same test a little to each side must agree
				if (shadowed != blocked(new float[] { x + 0.06f, 0, z }, toSun, Float.MAX_VALUE)
						|| shadowed != blocked(new float[] { x - 0.06f, 0, z }, toSun, Float.MAX_VALUE)
						|| shadowed != blocked(new float[] { x, 0, z + 0.06f }, toSun, Float.MAX_VALUE)
						|| shadowed != blocked(new float[] { x, 0, z - 0.06f }, toSun, Float.MAX_VALUE)) {
					continue;
				}
				if (shadowed) {
					shadowSum += l;
					shadowCount++;
				} else {
					litSum += l;
					litCount++;
				}
			}
		}
		System.out.printf("floor in shadow: %d points, mean %.1f; in sun: %d points, mean %.1f%n", shadowCount, shadowSum / shadowCount, litCount,
				litSum / litCount);
		assertTrue(shadowCount > 20, "some shadow is in view: " + shadowCount);
		assertTrue(shadowSum / shadowCount < 0.8 * litSum / litCount, "shadowed floor is darker");
	}

	/** Whether the ray from p along d (unnormalised, up to t = limit) meets one of the three spheres. */
	private static boolean blocked(float[] p, float[] d, float limit) {
		for (float[] c : new float[][] { BuiltinScenes.SMOOTH_METAL, BuiltinScenes.ROUGH_METAL, BuiltinScenes.PLASTIC }) {
			float ox = p[0] - c[0], oy = p[1] - c[1], oz = p[2] - c[2];
			float a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
			float b = ox * d[0] + oy * d[1] + oz * d[2];
			float cc = ox * ox + oy * oy + oz * oz - BuiltinScenes.SPHERE_RADIUS * BuiltinScenes.SPHERE_RADIUS;
			float disc = b * b - a * cc;
			if (disc > 0) {
				float t = (-b - (float) Math.sqrt(disc)) / a;
				if (t > 1e-4f && t < limit) {
					return true;
				}
			}
		}
		return false;
	}

	@Test
	void draggingOrbitsPansAndTheWheelZooms() throws Exception {
		int[] before = capture();
		float yaw = part.form.viewport.camera().yaw();
		Views.drag(part.form.viewport.control(), 1, false, 400, 300, 120, 0);
		assertEquals(yaw - 120 * OrbitCamera.ORBIT_SPEED, part.form.viewport.camera().yaw(), 1e-4);
		int[] orbited = capture();
		double changed = Views.differing(before, orbited, 12);
		assertTrue(changed > 0.05, "orbiting changed " + changed + " of the view");
		Screenshots.savePixels(orbited, w(), h(), "viewport-orbited.png");

		Vector3f target = part.form.viewport.camera().target();
		Views.drag(part.form.viewport.control(), 1, true, 400, 300, 50, 0);
		assertTrue(part.form.viewport.camera().target().distance(target) > 0.01, "shift-drag pans");
		assertEquals(part.form.viewport.camera().yaw(), part.form.viewport.camera().yaw(), "without orbiting");
		Vector3f panned = part.form.viewport.camera().target();
		Views.drag(part.form.viewport.control(), 2, false, 400, 300, 0, 40);
		assertTrue(part.form.viewport.camera().target().distance(panned) > 0.01, "middle-drag pans");

		float distance = part.form.viewport.camera().distance();
		Views.wheel(part.form.viewport.control(), 3);
		assertEquals(distance * OrbitCamera.ZOOM_STEP, part.form.viewport.camera().distance(), 1e-4);
	}

	@Test
	void frameBringsTheWholeSceneBackIntoView() throws Exception {
		part.form.viewport.setCamera(new OrbitCamera(new Vector3f(30, 5, -20), 0.5f, 2f, 0.2f, (float) Math.toRadians(45)));
		int[] away = capture();
		int[] awaySky = background();
		assertTrue(Views.differing(away, awaySky, 12) < 0.01, "looking away, the scene is out of view");

		Displays.click(part.form.frame);
		int[] framed = capture();
		int[] framedSky = background();
		int width = w();
		int height = h();
		int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				if (Views.difference(framed[y * width + x], framedSky[y * width + x]) > 12) {
					minX = Math.min(minX, x);
					maxX = Math.max(maxX, x);
					minY = Math.min(minY, y);
					maxY = Math.max(maxY, y);
				}
			}
		}
		System.out.printf("framed geometry: x %d..%d of %d, y %d..%d of %d%n", minX, maxX, width, minY, maxY, height);
		assertTrue(minX > 0 && minY > 0 && maxX < width - 1 && maxY < height - 1, "the geometry stays clear of the edges");
		assertTrue(maxX - minX > width / 3, "and fills a good part of the view");
		assertBoundsInView(part.form.viewport.scene().bounds());
		Screenshots.savePixels(framed, w(), h(), "viewport-framed.png");
	}

	/** Where a world point shows on the canvas, in the points mouse events carry. */
	private int[] onCanvas(float[] world) {
		float[] p = part.form.viewport.camera().project(world, part.form.viewport.width(), part.form.viewport.height());
		return new int[] { Math.round(p[0]), Math.round(p[1]) };
	}

	/** A point of the canvas whose ray rises above the horizon: over the sky, missing everything (the scene lies below the eye). */
	private int[] sky() {
		int[] at = { part.form.viewport.width() / 2, 2 };
		OrbitCamera camera = part.form.viewport.camera();
		assertTrue(camera.eye().y > 1 && camera.ray(at[0], at[1], part.form.viewport.width(), part.form.viewport.height()).y > 0.01f, "the top of the view shows the sky");
		return at;
	}

	/** A left click at a canvas point, and events dispatched until its pick, cast off the UI thread, changed the selection. */
	private void clickToSelect(int[] at) {
		int before = part.form.viewport.selected();
		Views.leftClick(part.form.viewport.control(), at[0], at[1]);
		Displays.spinUntil(display, () -> part.form.viewport.selected() != before);
	}

	@Test
	void aClickReturnsAtOnceAndSelectsWhenThePickIsBack() {
		int[] plastic = onCanvas(BuiltinScenes.PLASTIC);
		Views.leftClick(part.form.viewport.control(), plastic[0], plastic[1]);
		assertEquals(-1, part.form.viewport.selected(), "the BVH is built and the ray cast off the UI thread, which this test holds");
		Displays.spinUntil(display, () -> part.form.viewport.selected() == 3);
	}

	@Test
	void aClickSelectsTheMeshUnderItHighlightsAndNamesItAndAClickOnTheSkyClearsIt() throws Exception {
		int[] before = capture();
		int[] plastic = onCanvas(BuiltinScenes.PLASTIC);
		clickToSelect(plastic);
		assertEquals(3, part.form.viewport.selected(), "the red plastic sphere");
		int triangles = part.controller.scene.meshes().get(3).triangleCount();
		assertEquals(String.format(java.util.Locale.ROOT, "Selected: red plastic, %,d triangles", triangles), part.form.selection.getText());

		int[] selected = capture();
		Screenshots.savePixels(selected, w(), h(), "viewport-selected.png");
		OrbitCamera camera = part.form.viewport.camera();
		float[] centre = camera.project(BuiltinScenes.PLASTIC, w(), h());
		float[] rim = camera.project(new float[] { BuiltinScenes.PLASTIC[0] + BuiltinScenes.SPHERE_RADIUS, BuiltinScenes.PLASTIC[1],
				BuiltinScenes.PLASTIC[2] }, w(), h());
		float radius = Math.abs(rim[0] - centre[0]) * 0.9f;
		double onSphere = differingInDisc(before, selected, centre, radius);
		float[] other = camera.project(BuiltinScenes.SMOOTH_METAL, w(), h());
		double elsewhere = differingInDisc(before, selected, other, radius);
		System.out.printf("the highlight changed %.3f of the selected sphere's pixels, %.4f of another's%n", onSphere, elsewhere);
		assertTrue(onSphere > 0.15, "the selected sphere is highlighted: " + onSphere);
		assertTrue(elsewhere < 0.001, "the others are not: " + elsewhere);
		int orange = 0;
		for (int p : selected) {
			orange += (p >> 16 & 0xFF) > 220 && (p >> 8 & 0xFF) > 100 && (p >> 8 & 0xFF) < 180 && (p & 0xFF) < 60 ? 1 : 0;
		}
		assertTrue(orange > 100, "in the highlight colour: " + orange + " pixels");

		int[] sky = sky();
		clickToSelect(sky);
		assertEquals(-1, part.form.viewport.selected(), "a click on empty space clears the selection");
		assertEquals("", part.form.selection.getText());
		assertTrue(Views.differing(before, capture(), 2) < 0.001, "and the highlight");

		Views.drag(part.form.viewport.control(), 1, false, plastic[0], plastic[1], 40, 0);
		Displays.settle(display, Duration.ofMillis(300)); // time for a pick, were there one, to come back
		assertEquals(-1, part.form.viewport.selected(), "a drag orbits and selects nothing");
	}

	private double differingInDisc(int[] a, int[] b, float[] centre, float radius) {
		int width = w();
		int height = h();
		int n = 0, changed = 0;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				if ((x - centre[0]) * (x - centre[0]) + (y - centre[1]) * (y - centre[1]) <= radius * radius) {
					n++;
					changed += Views.difference(a[y * width + x], b[y * width + x]) > 12 ? 1 : 0;
				}
			}
		}
		return changed / (double) n;
	}

	@Test
	void frameFitsTheSelectedMeshAndTheWholeSceneAgainOnceNothingIsSelected() throws Exception {
		assertEquals("Frame selection (F); the whole scene when nothing is selected", part.form.frame.getToolTipText());
		int[] rough = onCanvas(BuiltinScenes.ROUGH_METAL);
		clickToSelect(rough);
		assertEquals("rough gold", part.form.viewport.selectedMesh().name());
		Displays.click(part.form.frame);
		OrbitCamera camera = part.form.viewport.camera();
		assertEquals(0, camera.target().distance(new Vector3f(BuiltinScenes.ROUGH_METAL)), 1e-3, "looks at the selected sphere");
		float[] b = part.form.viewport.selectedMesh().bounds();
		float minX = Float.MAX_VALUE, minY = Float.MAX_VALUE, maxX = -Float.MAX_VALUE, maxY = -Float.MAX_VALUE;
		for (int i = 0; i < 8; i++) {
			float[] corner = { (i & 1) == 0 ? b[0] : b[3], (i & 2) == 0 ? b[1] : b[4], (i & 4) == 0 ? b[2] : b[5] };
			float[] p = camera.project(corner, w(), h());
			assertTrue(p != null && p[0] >= 0 && p[0] <= w() && p[1] >= 0 && p[1] <= h(), "the selection's bounds corner " + i + " in view");
			minX = Math.min(minX, p[0]);
			maxX = Math.max(maxX, p[0]);
			minY = Math.min(minY, p[1]);
			maxY = Math.max(maxY, p[1]);
		}
		System.out.printf("the framed selection's bounds: x %.0f..%.0f of %d, y %.0f..%.0f of %d%n", minX, maxX, w(), minY, maxY, h());
		assertTrue(maxY - minY > 0.8f * h() || maxX - minX > 0.8f * w(), "the selection fills the view");
		int[] framed = capture();
		Screenshots.savePixels(framed, w(), h(), "viewport-framed-selection.png");
		// the sphere's middle, and most of a disc around it, shows the sphere: its highlight's orange among the gold
		float[] centre = camera.project(BuiltinScenes.ROUGH_METAL, w(), h());
		int middle = framed[(int) centre[1] * w() + (int) centre[0]];
		assertTrue((middle >> 16 & 0xFF) > (middle & 0xFF) + 40, "gold or orange in the middle: " + Integer.toHexString(middle));

		int[] sky = sky();
		clickToSelect(sky);
		assertEquals(null, part.form.viewport.selectedMesh());
		Views.key(part.form.viewport.control(), 'f');
		float[] s = part.form.viewport.scene().bounds();
		assertEquals(0, camera.target().distance((s[0] + s[3]) / 2, (s[1] + s[4]) / 2, (s[2] + s[5]) / 2), 1e-3, "F frames the whole scene again");
		assertBoundsInView(s);
	}

	@Test
	void theWireframeTogglesOnAndOff() throws Exception {
		int[] shaded = capture();
		part.form.wireframe.setSelection(true);
		Displays.click(part.form.wireframe);
		assertTrue(part.form.viewport.wireframe());
		int[] wire = capture();
		int[] sky = background();
		double lines = Views.differing(wire, sky, 12);
		double solid = Views.differing(shaded, sky, 12);
		assertTrue(lines > 0.01 && lines < solid * 0.8, "lines cover " + lines + ", shaded surfaces " + solid);
		Screenshots.savePixels(wire, w(), h(), "viewport-wireframe.png");
		part.form.wireframe.setSelection(false);
		Displays.click(part.form.wireframe);
		assertFalse(part.form.viewport.wireframe());
		assertTrue(Views.differing(shaded, capture(), 2) < 0.001, "shaded again as before");
	}

	@Test
	void aBrokenGltfIsReportedInTheViewWhichCarriesOn() throws Exception {
		Scene before = part.controller.scene;
		int[] pixels = capture();
		Path broken = Files.writeString(dir.resolve("broken.gltf"), "{ \"asset\": { \"version\": \"2.0\" }, \"meshes\": [ { \"primitives\": [ { \"attributes\": { \"POSITION\": 4 } } ] } ], \"nodes\": [ { \"mesh\": 0 } ], \"scenes\": [ { \"nodes\": [0] } ] }");
		CompletableFuture<Scene> load = part.controller.open(broken);
		Displays.spinUntil(display, load::isDone);
		assertTrue(load.isCompletedExceptionally());
		String said = part.form.status.getText();
		assertTrue(said.startsWith("Cannot open broken.gltf: broken.gltf: "), said);
		assertTrue(ThemeColours.isProblem(part.form.status), "in the theme's problem colour");
		assertSame(before, part.controller.scene, "the scene shown stays");
		assertTrue(Views.differing(pixels, capture(), 2) < 0.001, "and so does the image");
		Screenshots.saveFromScreen(shell, "viewport-broken-gltf.png");

		Path garbage = Files.write(dir.resolve("garbage.glb"), new byte[] { 1, 2, 3 });
		load = part.controller.open(garbage);
		Displays.spinUntil(display, load::isDone);
		assertTrue(part.form.status.getText().startsWith("Cannot open garbage.glb: "), part.form.status.getText());

		try (JobThreads threads = JobThreads.watch(Views.jobs(), display)) {
			load = part.controller.open(triangle(dir.resolve("triangle.gltf")));
			Displays.spinUntil(display, load::isDone);
			assertEquals(false, threads.started().get("Viewport: open triangle.gltf"), "loaded in a job");
		}
		assertFalse(load.isCompletedExceptionally(), part.form.status.getText());
		assertEquals(1, part.controller.scene.meshes().size());
		assertFalse(ThemeColours.isProblem(part.form.status), "no longer in the problem colour");
		assertTrue(part.form.status.getText().startsWith("triangle.gltf: 1 meshes, 1 triangles, 1 materials, 0 lights, lit by the sky."), part.form.status.getText());
		assertTrue(part.form.skyLight.getSelection(), "a scene without any light gets the sky");
		int[] triangle = capture();
		assertTrue(Views.differing(triangle, background(), 12) > 0.05, "the triangle shows");
	}

	@Test
	void theGltfLoadersTexturedSceneOpensFramedWithItsTexturesAndLights() throws Exception {
		Path fixture = fixture();
		int textures = part.form.viewport.liveGlObjects().get(GlObjects.Kind.TEXTURE);
		CompletableFuture<Scene> load = part.controller.open(fixture);
		Displays.spinUntil(display, load::isDone);
		assertFalse(load.isCompletedExceptionally(), part.form.status.getText());
		Scene s = load.get();
		assertEquals(textures + 5, part.form.viewport.liveGlObjects().get(GlObjects.Kind.TEXTURE), "base colour, metal-rough, normal, occlusion, emissive");
		assertTrue(part.form.status.getText().startsWith("scene.gltf: " + s.meshes().size() + " meshes"), part.form.status.getText());
		assertTrue(part.form.status.getText().contains("Left out: "), "the loader's notes are shown: " + part.form.status.getText());
		// the fixture is a handful of scattered triangles its camera does not look at: framed on load, they show at once
		assertEquals(1, part.form.viewport.camera().forward().dot(new Vector3f(s.cameras().get(0).forward()).normalize()), 1e-3,
				"looking along the file's camera");
		assertBoundsInView(s.bounds());
		int[] pixels = capture();
		Screenshots.savePixels(pixels, w(), h(), "viewport-gltf-fixture.png");
		double shown = Views.differing(pixels, background(), 12);
		assertTrue(shown > 0.002, "its meshes show without Frame: " + shown);
	}

	@Test
	void theSceneListNamesTheFileOpenedWhichItOpensAgain() throws Exception {
		Path fixture = fixture();
		CompletableFuture<Scene> load = part.controller.open(fixture);
		Displays.spinUntil(display, load::isDone);
		assertEquals("scene.gltf", part.form.scenes.getText(), "not the built-in scene shown before");
		assertTrue(part.form.scenes.getToolTipText().endsWith(fixture.toString()), part.form.scenes.getToolTipText());

		part.form.scenes.select(BuiltinScenes.labels().indexOf(BuiltinScenes.SPHERES));
		Displays.click(part.form.scenes);
		assertEquals(BuiltinScenes.SPHERES, part.controller.scene.name());
		assertEquals(null, part.controller.file);
		assertEquals(BuiltinScenes.SPHERES, part.form.scenes.getText());

		part.form.scenes.select(BuiltinScenes.labels().size());
		Displays.click(part.form.scenes);
		Displays.spinUntil(display, () -> fixture.equals(part.controller.file));
		assertEquals("scene.gltf", part.form.scenes.getText());
	}

	@Test
	void resetViewReturnsToTheViewTheSceneOpenedWith() throws Exception {
		CompletableFuture<Scene> load = part.controller.open(fixture());
		Displays.spinUntil(display, load::isDone);
		OrbitCamera opened = part.form.viewport.camera().copy();
		Views.drag(part.form.viewport.control(), 1, false, 400, 300, 150, 60);
		Views.wheel(part.form.viewport.control(), 5);
		assertTrue(part.form.viewport.camera().eye().distance(opened.eye()) > 0.01, "moved away");

		Displays.click(part.form.resetView);
		assertEquals(0, part.form.viewport.camera().eye().distance(opened.eye()), 1e-4, "back where it opened");
		assertEquals(0, part.form.viewport.camera().target().distance(opened.target()), 1e-4);
		assertBoundsInView(load.get().bounds());

		// the built-in scenes open from their own cameras, and go back to them
		part.controller.showBuiltIn(BuiltinScenes.CORNELL_BOX);
		Vector3f eye = new Vector3f(part.controller.scene.cameras().get(0).position());
		Views.drag(part.form.viewport.control(), 1, false, 400, 300, -100, 0);
		part.resetView();
		assertEquals(0, part.form.viewport.camera().eye().distance(eye), 1e-3);
	}

	@Test
	void aLongStatusIsShownWholeAndScrollsWithoutResizingTheView() {
		int width = w();
		int height = h();
		String notes = String.join("; ", java.util.Collections.nCopies(40, "KHR_materials_sheen is not supported and was left out"));
		String said = "scene.gltf: 3 meshes. Left out: " + notes;
		part.form.status(false, said);
		Displays.settle(display, Duration.ofMillis(100));
		assertEquals(said, part.form.status.getText(), "whole");
		int shown = part.form.status.getSize().y;
		int needed = part.form.status.computeSize(part.form.status.getClientArea().width, SWT.DEFAULT).y;
		assertTrue(needed > shown, "longer than the " + shown + " px shown: " + needed + " px");
		org.eclipse.swt.widgets.ScrollBar bar = part.form.status.getVerticalBar();
		System.out.printf("status: %d px shown of %d; scroll bar %d of %d%n", shown, needed, bar.getThumb(), bar.getMaximum());
		assertTrue(bar.getMaximum() > bar.getThumb(), "the rest is a scroll away: thumb " + bar.getThumb() + " of " + bar.getMaximum());
		assertEquals(width, w(), "the view keeps its size");
		assertEquals(height, h());
	}

	private static Path fixture() {
		Path fixture = Path.of(System.getProperty("atelier.gltf.fixtures", "../dev.atelier.viewport.tests/data/gltf"), "scene.gltf");
		assertTrue(Files.isRegularFile(fixture), fixture.toString());
		return fixture;
	}

	private void assertBoundsInView(float[] bounds) {
		Views.assertBoundsInView(part.form.viewport.camera(), bounds, w(), h());
	}

	/** A red triangle in the XY plane facing +Z, its buffer in a data URI. */
	static Path triangle(Path file) throws Exception {
		ByteBuffer bytes = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
		for (float f : new float[] { -1, -1, 0, 1, -1, 0, 0, 1, 0 }) {
			bytes.putFloat(f);
		}
		String data = Base64.getEncoder().encodeToString(bytes.array());
		String json = """
				{ "asset": { "version": "2.0" }, "scene": 0, "scenes": [ { "nodes": [ 0 ] } ], "nodes": [ { "mesh": 0 } ],
				  "meshes": [ { "primitives": [ { "attributes": { "POSITION": 0 }, "material": 0 } ] } ],
				  "materials": [ { "pbrMetallicRoughness": { "baseColorFactor": [ 0.8, 0.1, 0.1, 1 ], "metallicFactor": 0, "roughnessFactor": 0.6 }, "doubleSided": true } ],
				  "accessors": [ { "bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [ -1, -1, 0 ], "max": [ 1, 1, 0 ] } ],
				  "bufferViews": [ { "buffer": 0, "byteLength": 36 } ],
				  "buffers": [ { "byteLength": 36, "uri": "data:application/octet-stream;base64,%s" } ] }
				""".formatted(data);
		return Files.writeString(file, json);
	}

	@Test
	void glObjectsAreDeletedWhenScenesChangeAndWhenTheViewCloses() throws Exception {
		Map<GlObjects.Kind, Integer> first = part.form.viewport.liveGlObjects();
		// six programs, the shadow map's framebuffer (the prefiltering one is gone again)
		assertTrue(first.get(GlObjects.Kind.PROGRAM) == 6 && first.get(GlObjects.Kind.FRAMEBUFFER) == 1, first.toString());
		for (int i = 0; i < 3; i++) {
			part.controller.showBuiltIn(BuiltinScenes.SPHERES);
			part.form.skyLight.setSelection(i % 2 == 0);
			Displays.click(part.form.skyLight);
		}
		capture();
		assertEquals(first, part.form.viewport.liveGlObjects(), "scenes replaced leave nothing behind");
		ViewportCanvas viewport = part.form.viewport;
		shell.dispose();
		assertEquals(0, viewport.liveGlObjects().values().stream().mapToInt(Integer::intValue).sum(), viewport.liveGlObjects().toString());
	}
}
