package dev.atelier.diffusion.engine.internal;

import static dev.atelier.diffusion.engine.internal.NetworksAgainstDiffusersTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.engine.ControlResiduals;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * The reduced SD 1.x ControlNet against diffusers' ControlNetModel (make_engine_reference.py --what controlnet,
 * reference/controlnet): its residuals for the networks reference's latent, timestep and text with a hint, at the
 * reference's strength, and the UNet's output with them added. Written here in both layouts — ControlNet-v1.1's ldm
 * keys from LdmLayout, diffusers' names from controlnet.json (which ldm tensor each diffusers key is, as diffusers'
 * converter mapped them) — with FormulaWeights' values.
 */
class ControlNetAgainstDiffusersTest {

	private static final Path REFERENCE = Path.of("reference").toAbsolutePath();
	private static final Path CONTROL = REFERENCE.resolve("controlnet");

	enum Layout {
		LDM, DIFFUSERS
	}

	@TempDir
	Path dir;
	private CpuBackend cpu;
	private Compute compute;

	@BeforeEach
	void openTheCpu() throws Exception {
		cpu = CpuBackend.open("ControlNet test");
		compute = cpu.compute();
	}

	@AfterEach
	void close() {
		cpu.close();
	}

	static int[] hintChannels() throws IOException {
		return CpuBackend.json(CONTROL.resolve("controlnet.json")).getAsJsonArray("hint_channels").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
	}

	/** The reduced ControlNet in {@code layout} as {@code dtype}. */
	private Path write(Layout layout, String dtype) throws IOException {
		Path file = dir.resolve("control-" + layout + "-" + dtype + ".safetensors");
		if (layout == Layout.LDM) {
			return FormulaWeights.writeControlNet(FormulaWeights.SD1_REFERENCE, hintChannels(), dtype, file);
		}
		Map<String, long[]> shapes = new LinkedHashMap<>();
		Map<String, String> ldmNames = new LinkedHashMap<>();
		for (JsonElement e : CpuBackend.json(CONTROL.resolve("controlnet.json")).getAsJsonArray("layout")) {
			JsonObject o = e.getAsJsonObject();
			String name = o.get("diffusers").getAsString();
			shapes.put(name, o.getAsJsonArray("shape").asList().stream().mapToLong(JsonElement::getAsLong).toArray());
			ldmNames.put(name, o.get("ldm").getAsString());
		}
		return new SafetensorsWriter().weights(shapes, dtype).values((k, s) -> FormulaWeights.values(ldmNames.get(k), s)).write(file);
	}

	private record Run(ControlResiduals residuals, float[] unet, float[] without) {
	}

	private Run run(Path controlFile, float strength) throws IOException, CheckpointException {
		JsonObject reference = CpuBackend.json(REFERENCE.resolve("reference.json"));
		int h = reference.getAsJsonArray("latent").get(1).getAsInt();
		int w = reference.getAsJsonArray("latent").get(2).getAsInt();
		float timestep = reference.get("unet_timestep").getAsFloat();
		float[] sample = CpuBackend.floats(REFERENCE.resolve("unet_sample.f32"));
		TextConditioning text = new TextConditioning(CpuBackend.floats(REFERENCE.resolve("text_hidden.f32")), new float[0]);
		try (Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F32", dir.resolve("tiny-sd1.safetensors")), null);
				ControlNet net = ControlNet.open(controlFile); Engine engine = Engine.open(checkpoint, compute)) {
			engine.useControlNet(net);
			ControlResiduals r = engine.control(sample, h, w, timestep, text, CpuBackend.floats(CONTROL.resolve("hint.f32")), strength);
			return new Run(r, engine.predict(sample, h, w, timestep, text, null, r), engine.predict(sample, h, w, timestep, text, null));
		}
	}

	@ParameterizedTest
	@CsvSource({ "LDM, F32", "LDM, F16", "DIFFUSERS, F32", "DIFFUSERS, F16" })
	void residualsAndUNetOutputEqualDiffusersControlNetModel(Layout layout, String dtype) throws Exception {
		double bound = dtype.equals("F32") ? 1e-4 : 2e-2;
		Run run = run(write(layout, dtype), CpuBackend.json(CONTROL.resolve("controlnet.json")).get("scale").getAsFloat());
		float[] down = CpuBackend.floats(CONTROL.resolve("down.f32"));
		float[] got = new float[down.length];
		int at = 0;
		for (float[] r : run.residuals().down()) {
			System.arraycopy(r, 0, got, at, Math.min(r.length, got.length - at));
			at += r.length;
		}
		assertEquals(down.length, at, "the residuals' values, all skip connections");
		assertEquals(CpuBackend.json(CONTROL.resolve("controlnet.json")).getAsJsonArray("residuals").size(), run.residuals().down().size(), "one residual per skip");
		assertClose(down, got, bound, "ControlNet down residuals (" + layout + ", " + dtype + ")");
		assertClose(CpuBackend.floats(CONTROL.resolve("mid.f32")), run.residuals().mid(), bound, "ControlNet mid residual (" + layout + ", " + dtype + ")");
		assertClose(CpuBackend.floats(CONTROL.resolve("unet_out.f32")), run.unet(), bound, "UNet with the residuals (" + layout + ", " + dtype + ")");
	}

	@Test
	void strengthZeroGivesTheUNetsOwnOutput() throws Exception {
		Run run = run(write(Layout.LDM, "F32"), 0);
		for (float[] r : run.residuals().down()) {
			for (float v : r) {
				assertEquals(0, v, 0, "a residual at strength 0");
			}
		}
		assertArrayEquals(run.without(), run.unet(), 0f, "strength 0 is the UNet without the ControlNet");
	}

	@Test
	void bothLayoutsReadTheSameConfiguration() throws Exception {
		try (ControlNet ldm = ControlNet.open(write(Layout.LDM, "F32")); ControlNet diffusers = ControlNet.open(write(Layout.DIFFUSERS, "F32"))) {
			assertEquals("ControlNet-v1.1 (ldm)", ldm.layout());
			assertEquals("diffusers", diffusers.layout());
			assertEquals(ldm.unet(), diffusers.unet());
			assertArrayEquals(hintChannels(), ldm.hintChannels());
			assertEquals(ldm.weights().keySet(), diffusers.weights().keySet());
		}
	}

	@Test
	void aControlNetMissingTensorsIsRefusedNamingFileAndTensors() throws Exception {
		Map<String, long[]> shapes = new LinkedHashMap<>(LdmLayout.controlNet(FormulaWeights.SD1_REFERENCE, hintChannels()));
		shapes.remove("control_model.zero_convs.3.0.weight");
		shapes.remove("control_model.middle_block_out.0.bias");
		Path file = new SafetensorsWriter().weights(shapes, "F32").write(dir.resolve("partial.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> ControlNet.open(file));
		assertTrue(e.getMessage().contains("partial.safetensors"), e.getMessage());
		assertTrue(e.getMessage().contains("controlnet_down_blocks.3.weight") && e.getMessage().contains("controlnet_mid_block.bias"), e.getMessage());
	}

	@Test
	void aCheckpointGivenAsControlNetIsRefused() throws Exception {
		Path file = FormulaWeights.write(LdmLayout.TINY_SD1, "F32", dir.resolve("model.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> ControlNet.open(file));
		assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("not a ControlNet"), e.getMessage());
	}

	@Test
	void aControlNetOfAnotherShapeIsRefusedByTheModel() throws Exception {
		Path control = FormulaWeights.writeControlNet(LdmLayout.TINY_SD1, hintChannels(), "F32", dir.resolve("tiny-control.safetensors"));
		try (Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F32", dir.resolve("sd1.safetensors")), null);
				ControlNet net = ControlNet.open(control); Engine engine = Engine.open(checkpoint, compute)) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.useControlNet(net));
			assertTrue(e.getMessage().contains("tiny-control.safetensors") && e.getMessage().contains("sd1.safetensors"), e.getMessage());
		}
	}
}
