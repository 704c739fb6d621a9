package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The device service's CLI contracts on the product: {@code atelier devices} and {@code atelier plan}. */
class DeviceIT {

	private static Map<String, String> env() throws Exception {
		return Map.of("ATELIER_WORKSPACE", Product.newWorkspace("devices").toString());
	}

	@Test
	void devicesJsonListsTheSimulatedCardAndTheCpu() throws Exception {
		Product.Run run = Product.run(env(), "devices", "--json", "--simulate", "rtx4090");
		assertEquals(0, run.exitCode(), run.all());
		JsonArray devices = JsonParser.parseString(run.out()).getAsJsonArray();
		JsonObject sim = find(devices, "sim:rtx4090");
		assertEquals("simulated", sim.get("backend").getAsString());
		assertEquals(24L << 30, sim.get("totalBytes").getAsLong());
		assertTrue(sim.get("freeBytes").getAsLong() > 0 && sim.get("freeBytes").getAsLong() < 24L << 30);
		assertEquals("8.9", sim.get("computeCapability").getAsString());
		assertEquals(128, sim.get("multiprocessors").getAsInt());
		assertEquals(List.of("FP32", "TF32", "FP16", "BF16", "INT8", "FP8"),
				sim.getAsJsonArray("precisions").asList().stream().map(JsonElement::getAsString).toList());
		assertTrue(sim.get("name").getAsString().contains("RTX 4090"));
		JsonObject cpu = find(devices, "cpu");
		assertEquals("cpu", cpu.get("backend").getAsString());
		assertTrue(cpu.get("multiprocessors").getAsInt() >= 1 && cpu.get("totalBytes").getAsLong() > 1L << 30);
	}

	@Test
	void planSaysSd15WithLlama7bQ4FitsA4090AndSdxlWithLlama7bF16DoesNot() throws Exception {
		Product.Run fits = Product.run(env(), "plan", "--device", "sim:rtx4090", "--simulate", "rtx4090", "--json", "sd15@512x512x1",
				"llm:7b:q4_0:ctx=4096");
		assertEquals(0, fits.exitCode(), fits.all());
		JsonObject plan = JsonParser.parseString(fits.out()).getAsJsonObject();
		assertEquals("sim:rtx4090", plan.get("device").getAsString());
		assertTrue(plan.get("fits").getAsBoolean());
		assertTrue(plan.get("budgetBytes").getAsLong() > 20e9);
		long sum = 0;
		for (JsonElement item : plan.getAsJsonArray("items")) {
			assertTrue(item.getAsJsonObject().has("spec"));
			sum += item.getAsJsonObject().get("bytes").getAsLong();
		}
		assertEquals(sum, plan.get("requiredBytes").getAsLong());
		assertTrue(plan.getAsJsonArray("advice").size() > 0);

		Product.Run not = Product.run(env(), "plan", "--device", "sim:rtx4090", "--simulate", "rtx4090", "--json", "sdxl@1024x1024x1",
				"llm:7b:f16:ctx=4096");
		assertEquals(3, not.exitCode(), not.all());
		assertTrue(!JsonParser.parseString(not.out()).getAsJsonObject().get("fits").getAsBoolean());
	}

	@Test
	void planRefusesBadInputByName() throws Exception {
		Product.Run bad = Product.run(env(), "plan", "--device", "sim:rtx4090", "--simulate", "rtx4090", "sd15@500x500x1");
		assertEquals(2, bad.exitCode(), bad.all());
		assertTrue(bad.err().contains("workload 'sd15@500x500x1': image size 500x500 must be positive multiples of 8"), bad.err());
		Product.Run unknown = Product.run(env(), "plan", "--device", "cuda:7", "sd15@512x512x1");
		assertEquals(2, unknown.exitCode(), unknown.all());
		assertTrue(unknown.err().contains("no device 'cuda:7'; known: ") && unknown.err().contains("cpu"), unknown.err());
		Product.Run profile = Product.run(env(), "devices", "--simulate", "rtx9090");
		assertEquals(2, profile.exitCode(), profile.all());
		assertTrue(profile.err().contains("unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090"), profile.err());
	}

	@Test
	void planOnAutoPlansForTheDeviceAutoResolvesTo() throws Exception {
		Product.Run devices = Product.run(env(), "devices", "--json");
		JsonArray all = JsonParser.parseString(devices.out()).getAsJsonArray();
		// auto is the first GPU, else the CPU: never a simulated card
		String expected = all.asList().stream().map(d -> d.getAsJsonObject().get("id").getAsString()).filter(id -> id.startsWith("cuda:")).findFirst()
				.orElse("cpu");
		Product.Run auto = Product.run(env(), "plan", "--device", "auto", "sd15@512x512x1");
		assertTrue(auto.exitCode() == 0 || auto.exitCode() == 3, auto.all());
		assertTrue(auto.out().startsWith(expected + ": budget "), auto.out());
	}

	private static JsonObject find(JsonArray devices, String id) {
		for (JsonElement d : devices) {
			if (d.getAsJsonObject().get("id").getAsString().equals(id)) {
				return d.getAsJsonObject();
			}
		}
		throw new AssertionError("no device " + id + " in " + devices);
	}
}
