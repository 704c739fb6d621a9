package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code atelier doctor} on the product: every check reports, problems come with their fixes, and the exit code is 0.
 * The GPU findings asserted are those of a machine without an NVIDIA GPU (CI, the build machine).
 */
class DoctorIT {

	private static final boolean GPU = Files.exists(Path.of("/dev/nvidia0"));

	private static JsonObject finding(JsonObject doctor, String subject) {
		for (JsonElement f : doctor.getAsJsonArray("findings")) {
			if (f.getAsJsonObject().get("subject").getAsString().equals(subject)) {
				return f.getAsJsonObject();
			}
		}
		throw new AssertionError("no finding about " + subject + " in " + doctor);
	}

	@Test
	void withoutGpuOrDisplayDoctorReportsEachMissingPieceWithItsFixAndExitsZero() throws Exception {
		Path ws = Product.newWorkspace("doctor");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Files.writeString(plugins.resolve("broken.jar"), "this is not a jar");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString(), "DISPLAY", "", "WAYLAND_DISPLAY", "");
		Product.Run run = Product.run(env, "doctor", "--json");
		assertEquals(0, run.exitCode(), run.all());
		JsonObject doctor = JsonParser.parseString(run.out()).getAsJsonObject();

		int problems = 0;
		for (JsonElement e : doctor.getAsJsonArray("findings")) {
			JsonObject f = e.getAsJsonObject();
			if (!f.get("ok").getAsBoolean()) {
				problems++;
				assertFalse(f.get("fix").isJsonNull(), "a problem without its fix: " + f);
			}
		}
		assertEquals(problems, doctor.get("problems").getAsInt());

		if (!GPU) {
			JsonObject driver = finding(doctor, "NVIDIA driver");
			assertFalse(driver.get("ok").getAsBoolean(), driver.toString());
			assertTrue(driver.get("detail").getAsString().startsWith("no NVIDIA driver"), driver.toString());
			assertTrue(driver.get("fix").getAsString().contains("580"), driver.toString());
			JsonObject nvml = finding(doctor, "NVML");
			assertFalse(nvml.get("ok").getAsBoolean(), nvml.toString());
			assertTrue(nvml.get("detail").getAsString().contains("libnvidia-ml.so.1 not found"), nvml.toString());
		}
		for (String library : new String[] { "cuBLAS", "cuDNN" }) {
			JsonObject f = finding(doctor, library);
			// found or not depends on the machine; missing, it says what that costs
			assertTrue(f.get("ok").getAsBoolean() || f.get("detail").getAsString().contains("instead") || f.get("detail").getAsString().contains("needs it"),
					f.toString());
		}
		JsonObject gl = finding(doctor, "OpenGL (Viewport)");
		assertFalse(gl.get("ok").getAsBoolean(), gl.toString());
		assertTrue(gl.get("detail").getAsString().startsWith("no display"), gl.toString());
		assertTrue(finding(doctor, "workspace disk").get("detail").getAsString().contains(ws.toString()));
		JsonObject broken = finding(doctor, "plugin broken.jar");
		assertFalse(broken.get("ok").getAsBoolean(), broken.toString());
		assertTrue(broken.get("detail").getAsString().contains(plugins.resolve("broken.jar").toString()), broken.toString());
	}

	@Test
	void doctorsTextNamesEachProblemAndItsFixAndOnADisplayProbesOpenGl() throws Exception {
		Path ws = Product.newWorkspace("doctor-text");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "doctor");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().contains("ok       plugins"), run.out());
		assertTrue(run.out().contains("none in " + ws.resolve("plugins")), run.out());
		if (!GPU) {
			assertTrue(run.out().contains("PROBLEM  NVIDIA driver"), run.out());
			assertTrue(run.out().contains("fix: install the NVIDIA driver 580 or newer"), run.out());
		}
		String display = System.getenv("DISPLAY");
		if (display != null && !display.isEmpty()) {
			// the build runs under Xvfb: the probe makes the Viewport's context in the product's own process
			assertTrue(run.out().matches("(?s).*OpenGL \\(Viewport\\)\\s+OpenGL [3-9]\\.\\d.*"), run.out());
		}
		assertTrue(run.out().contains("problem(s) found; each has its fix above") || run.out().contains("no problems found"), run.out());
	}
}
