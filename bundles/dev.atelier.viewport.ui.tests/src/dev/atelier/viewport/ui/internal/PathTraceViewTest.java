package dev.atelier.viewport.ui.internal;

import java.time.Duration;

import dev.atelier.testing.Services;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobState;
import dev.atelier.device.DeviceService;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Shapes;
import dev.atelier.viewport.internal.trace.BuiltinScenes;

/** The Viewport's path tracing: the progressive preview in place, Render as a job writing a PNG, the Cornell box. */
class PathTraceViewTest {

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
		part.outputs(Services.await(PathTraceViewTest.class, Outputs.class));
		part.devices(Services.await(PathTraceViewTest.class, DeviceService.class));
		part.create(shell);
		shell.open();
		assertNotNull(part.form.viewport, "no GL viewport: " + part.form.status.getText());
		Displays.spinUntil(display, () -> !Double.isNaN(part.form.viewport.frameTimes().meanMillis()));
	}

	@AfterEach
	void close() {
		part.close();
		if (!shell.isDisposed()) {
			shell.dispose();
		}
	}

	private int w() {
		return part.form.viewport.pixelWidth();
	}

	private int h() {
		return part.form.viewport.pixelHeight();
	}

	private void traceSettings(int spp, int bounces) {
		part.form.spp.setSelection(spp);
		part.form.bounces.setSelection(bounces);
	}

	/** Waits until the view shows a trace that has all its samples. */
	private void awaitTrace(int spp) throws InterruptedException {
		Displays.spinUntil(display, () -> part.form.traceStatus.getText().startsWith(spp + "/" + spp + " spp") && part.form.viewport.showsImage(), Duration.ofSeconds(120));
		Displays.settle(display, Duration.ofMillis(100));
	}

	@Test
	void theCornellBoxComesFirstLitByItsLampAndTheCudaBackendIsGreyedOut() throws Exception {
		assertEquals(BuiltinScenes.CORNELL_BOX, part.controller.scene.name());
		assertTrue(part.form.status.getText().startsWith("Cornell box: 5 meshes, 32 triangles, 4 materials, 0 lights, 1 emissive mesh lighting it."),
				part.form.status.getText());
		assertFalse(part.form.skyLight.getSelection(), "its lamp lights it: no sky");
		int[] pixels = part.form.viewport.capture();
		OrbitCamera camera = part.form.viewport.camera();
		float[] floor = camera.project(new float[] { 0.278f, 0.001f, 0.1f }, w(), h());
		float[] redWall = camera.project(new float[] { 0.55f, 0.25f, 0.4f }, w(), h());
		float[] greenWall = camera.project(new float[] { 0.001f, 0.25f, 0.4f }, w(), h());
		assertTrue(Views.mean(Views.disc(pixels, w(), h(), floor[0], floor[1], 5)) > 40, "the floor under the lamp is lit");
		int red = pixels[(int) redWall[1] * w() + (int) redWall[0]];
		int green = pixels[(int) greenWall[1] * w() + (int) greenWall[0]];
		assertTrue((red >> 16 & 0xFF) > 2 * (red >> 8 & 0xFF), "the left wall is red: " + Integer.toHexString(red));
		assertTrue((green >> 8 & 0xFF) > 1.5 * (green >> 16 & 0xFF), "the right wall is green: " + Integer.toHexString(green));
		Screenshots.savePixels(pixels, w(), h(), "viewport-cornell-raster.png");

		assertFalse(part.form.cuda.getEnabled(), "no CUDA device here");
		assertTrue(part.form.cuda.getToolTipText().startsWith("Not available: no CUDA device"), part.form.cuda.getToolTipText());
		assertFalse(part.form.allGpus.getEnabled(), "no GPUs to split a render over");
		assertTrue(part.form.allGpus.getToolTipText().startsWith("Not available: 'all' names every CUDA GPU and there is none"),
				part.form.allGpus.getToolTipText());
		assertTrue(part.form.cpu.getSelection());
	}

	/**
	 * Direct lighting only (one bounce, a point light, no environment, Lambertian surfaces where no shadow falls):
	 * the rasteriser and the path tracer compute the same thing, so regions of the two images agree. Both are shown
	 * through the same tone mapping and read back; the stated tolerance is 10 % of the region's mean luminance.
	 */
	@Test
	void rasterAndPathTracedImagesAgreeInDirectLighting() throws Exception {
		Scene direct = new Scene("direct light",
				List.of(Shapes.quad("floor", new float[] { 0, 0, 0 }, new float[] { 2, 0, 0 }, new float[] { 0, 0, -2 }, 0),
						Shapes.sphere("ball", new float[] { 0, 0.5f, 0 }, 0.5f, 96, 48, 1)),
				List.of(Material.lambertian("grey", 0.6f, 0.6f, 0.6f, null), Material.lambertian("red", 0.7f, 0.2f, 0.15f, null)),
				List.of(new Light("bulb", Light.Type.POINT, new float[] { 1, 1, 1 }, 5, new float[] { 0.6f, 2.2f, 1.6f }, null, 0, 0, 0)), List.of(),
				Environment.black());
		assertTrue(part.controller.show(direct, null, List.of()));
		assertFalse(part.form.skyLight.getSelection(), "no sky: the point light alone");
		assertTrue(EnvironmentRadiance.isBlack(part.controller.litScene().environment()));
		traceSettings(16, 1);
		int[] raster = part.form.viewport.capture();

		Displays.click(toggle(true));
		awaitTrace(16);
		int[] traced = part.form.viewport.capture();
		Screenshots.savePixels(raster, w(), h(), "viewport-direct-raster.png");
		Screenshots.savePixels(traced, w(), h(), "viewport-direct-traced.png");

		OrbitCamera camera = part.form.viewport.camera();
		// lit floor in front of and beside the ball (clear of its shadow, which falls behind it), and the ball's lit side
		float[][] regions = { { 0, 0, 1.2f }, { -1.2f, 0, 0.6f }, { 1.3f, 0, -0.6f }, { 0.15f, 0.85f, 0.35f } };
		for (float[] world : regions) {
			float[] at = camera.project(world, w(), h());
			double r = Views.mean(Views.disc(raster, w(), h(), at[0], at[1], 7));
			double t = Views.mean(Views.disc(traced, w(), h(), at[0], at[1], 7));
			System.out.printf("direct lighting at %s: raster %.1f, path traced %.1f (%.1f %%)%n", java.util.Arrays.toString(world), r, t, 100 * (r - t) / t);
			assertTrue(t > 20, "the region is lit: " + t);
			assertEquals(t, r, 0.10 * t, "region " + java.util.Arrays.toString(world));
		}
	}

	private org.eclipse.swt.widgets.Button toggle(boolean on) {
		part.form.pathTrace.setSelection(on);
		return part.form.pathTrace;
	}

	@Test
	void pathTraceModeRefinesInPlaceAndStartsAgainWhenTheCameraMoves() throws Exception {
		part.form.scenes.select(BuiltinScenes.labels().indexOf(BuiltinScenes.SPHERES));
		Displays.click(part.form.scenes);
		traceSettings(4, 3);
		int[] raster = part.form.viewport.capture();
		Displays.click(toggle(true));
		awaitTrace(4);
		int[] traced = part.form.viewport.capture();
		assertTrue(Views.differing(raster, traced, 12) > 0.02, "the path-traced image is not the raster one (shadows, noise)");
		Screenshots.savePixels(traced, w(), h(), "viewport-spheres-traced.png");

		Views.drag(part.form.viewport.control(), 1, false, 400, 300, 60, 0);
		assertFalse(part.form.viewport.showsImage(), "moving the camera shows the raster view at once");
		awaitTrace(4);
		int[] again = part.form.viewport.capture();
		assertTrue(Views.differing(traced, again, 12) > 0.05, "traced again from the new view");

		Displays.click(toggle(false));
		assertFalse(part.form.viewport.showsImage());
		assertEquals("", part.form.traceStatus.getText());
	}

	@Test
	void denoiseAppliesToThePathTracedViewOnceItsSamplesAreDone() throws Exception {
		part.form.scenes.select(BuiltinScenes.labels().indexOf(BuiltinScenes.SPHERES));
		Displays.click(part.form.scenes);
		traceSettings(2, 3);
		Displays.click(toggle(true));
		awaitTrace(2);
		int[] noisy = part.form.viewport.capture();
		assertFalse(part.form.traceStatus.getText().endsWith("denoised"), part.form.traceStatus.getText());

		part.form.denoise.setSelection(true);
		Displays.click(part.form.denoise);
		Displays.spinUntil(display, () -> part.form.traceStatus.getText().endsWith(" · denoised") && part.form.viewport.showsImage(), Duration.ofSeconds(120));
		int[] denoised = part.form.viewport.capture();
		Screenshots.savePixels(noisy, w(), h(), "viewport-spheres-2spp.png");
		Screenshots.savePixels(denoised, w(), h(), "viewport-spheres-2spp-denoised.png");
		double before = roughness(noisy);
		double after = roughness(denoised);
		System.out.printf("pixel-to-pixel differences: %.2f traced, %.2f denoised%n", before, after);
		assertTrue(after < 0.7 * before, "the denoised view is smoother: " + after + " vs " + before);
	}

	/** The mean luminance difference between horizontally neighbouring pixels: high for a noisy image. */
	private double roughness(int[] pixels) {
		int width = w();
		double sum = 0;
		int n = 0;
		for (int i = 0; i + 1 < pixels.length; i++) {
			if ((i + 1) % width != 0) {
				sum += Math.abs(Views.luminance(pixels[i]) - Views.luminance(pixels[i + 1]));
				n++;
			}
		}
		return sum / n;
	}

	@Test
	void renderWritesAPngAtTheResolutionGivenAsAJobWithItsRecord() throws Exception {
		traceSettings(4, 3);
		assertEquals("1920×1080", part.form.resolution.getText(), "a resolution of its own by default, not the view's");
		int viewWidth = w();
		int viewHeight = h();
		part.form.resolution.setText("160x90");
		int width = 160;
		int height = 90;
		JobHandle<PathTraces.Rendered> job = part.render();
		assertNotNull(job, part.form.status.getText());
		assertFalse(part.form.render.getEnabled());
		assertTrue(part.form.cancel.getEnabled());
		Displays.spinUntil(display, () -> job.state().isDone() && part.controller.rendering == null, Duration.ofSeconds(120));
		assertEquals(JobState.SUCCEEDED, job.state(), part.form.status.getText());
		Path png = job.result().get().file();
		assertEquals(part.controller.renderFolder(), png.getParent());
		assertTrue(png.getParent().endsWith(Path.of("outputs", "render")), png.toString());
		assertTrue(png.getFileName().toString().matches("\\d{5}-Cornell-box\\.png"), png.toString());
		BufferedImage image = ImageIO.read(png.toFile());
		assertEquals(width, image.getWidth(), "the resolution given");
		assertEquals(height, image.getHeight());
		assertEquals(viewWidth, w(), "the view kept its size");
		assertEquals(viewHeight, h());
		assertTrue(part.form.status.getText().startsWith("Wrote " + png + ": 4 spp in "), part.form.status.getText());
		assertTrue(part.form.viewport.showsImage(), "the render stays in view");
		assertTrue(part.form.render.getEnabled());
		assertEquals(List.of(png.toString()), job.outputs());
		Map<String, String> details = job.details();
		assertEquals("cpu", details.get(JobHandle.DEVICE));
		assertEquals("4", details.get("spp"));
		assertEquals("3", details.get("bounces"));
		assertEquals("false", details.get("denoise"));
		assertEquals("builtin:Cornell box", details.get("scene"));
		try (Stream<Path> files = Files.list(png.getParent())) {
			assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
		}

		WorkspaceManager workspace = Services.await(PathTraceViewTest.class, WorkspaceManager.class);
		String kind = "render Cornell box " + width + "x" + height;
		Displays.spinUntil(display, () -> record(workspace, png).isPresent());
		JobRecord record = record(workspace, png).orElseThrow();
		assertEquals(kind, record.getKind());
		assertEquals("cpu", record.getDevice());
		assertEquals("4", record.getParameters().get("spp"));
		Screenshots.saveFromScreen(shell, "viewport-rendered.png");
	}

	private static Optional<JobRecord> record(WorkspaceManager workspace, Path png) {
		return workspace.read(ws -> ws.getJobs().stream().filter(r -> r.getOutputs().contains(png.toString())).findFirst());
	}

	@Test
	void aResolutionThatIsNotWidthByHeightIsRefusedSayingWhy() {
		for (String bad : new String[] { "1920 by 1080", "0x100", "100x20000", "" }) {
			part.form.resolution.setText(bad);
			assertEquals(null, part.render(), bad);
			String said = part.form.status.getText();
			assertTrue(said.startsWith("Cannot render: resolution \"" + bad.strip() + "\""), said);
			assertTrue(dev.atelier.ui.ThemeColours.isProblem(part.form.status), "in the theme's problem colour");
			assertTrue(part.form.render.getEnabled(), "nothing started");
		}
	}

	@Test
	void aCancelledRenderWritesNothing() throws Exception {
		traceSettings(100_000, 8);
		part.form.resolution.setText("320×180");
		Path folder = part.controller.renderFolder();
		List<Path> before = Files.isDirectory(folder) ? list(folder) : List.of();
		JobHandle<PathTraces.Rendered> job = part.render();
		Displays.spinUntil(display, () -> part.form.progress.getSelection() >= 1, Duration.ofSeconds(120));
		part.cancelRender();
		Displays.spinUntil(display, () -> part.controller.rendering == null, Duration.ofSeconds(60));
		assertEquals(JobState.CANCELLED, job.state());
		assertEquals("Render cancelled; nothing written.", part.form.status.getText());
		assertEquals(before, Files.isDirectory(folder) ? list(folder) : List.of(), "no PNG and no temporary file");
		assertFalse(part.form.viewport.showsImage(), "back to the raster view");
	}

	private static List<Path> list(Path folder) throws java.io.IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.sorted().toList();
		}
	}
}
