package dev.atelier.diffusion.engine.internal;

import static dev.atelier.diffusion.engine.internal.NetworksAgainstDiffusersTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.testing.checkpoints.TestLoras;
import dev.atelier.diffusion.checkpoint.LdmLayout;

/**
 * kohya LoRAs merged into the reduced SD 1.x and SDXL checkpoints, against make_engine_reference.py's torch merge
 * ({@code reference/[sdxl/]lora}: {@code W + weight · alpha/rank · up@down} per layer, and the merged networks' text
 * states and UNet output). The LoRA file is written here from lora.json's keys and shapes with FormulaWeights' values,
 * which the script computes bit for bit.
 */
class LoraAgainstTorchTest {

	private static final Path REFERENCES = Path.of("reference").toAbsolutePath();

	enum Model {
		SD1(FormulaWeights.SD1_REFERENCE, REFERENCES), SDXL(FormulaWeights.SDXL_REFERENCE, REFERENCES.resolve("sdxl"));

		final LdmLayout.Spec spec;
		final Path reference;

		Model(LdmLayout.Spec spec, Path reference) {
			this.spec = spec;
			this.reference = reference;
		}
	}

	@TempDir
	Path dir;
	private CpuBackend cpu;
	private Compute compute;

	@BeforeEach
	void openTheCpu() throws Exception {
		cpu = CpuBackend.open("LoRA test");
		compute = cpu.compute();
	}

	@AfterEach
	void close() {
		cpu.close();
	}

	private record Opened(Checkpoint checkpoint, Engine engine, Lora lora, JsonObject reference, JsonObject loraJson) implements AutoCloseable {
		@Override
		public void close() {
			lora.close();
			engine.close();
			checkpoint.close();
		}
	}

	private Opened open(Model m) throws IOException {
		Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(m.spec, "F32", dir.resolve("tiny-" + m + ".safetensors")), null);
		Path lora = TestLoras.fromReference(m.reference.resolve("lora/lora.json"), "F32", dir.resolve("lora-" + m + ".safetensors"), Map.of());
		return new Opened(checkpoint, Engine.open(checkpoint, compute), Lora.open(lora, checkpoint), CpuBackend.json(m.reference.resolve("reference.json")),
				CpuBackend.json(m.reference.resolve("lora/lora.json")));
	}

	private static int[][] ids(Model m, JsonObject reference) {
		JsonElement ids = reference.get("input_ids");
		List<JsonElement> sequences = m == Model.SD1 ? List.of(ids) : ids.getAsJsonArray().asList();
		return sequences.stream().map(a -> a.getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray()).toArray(int[][]::new);
	}

	private static float[] predict(Opened o, Model m) throws IOException {
		int[] latent = o.reference().getAsJsonArray("latent").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
		SizeConditioning sizes = null;
		float[] pooled = new float[0];
		if (m == Model.SDXL) {
			int[] t = o.reference().getAsJsonArray("time_ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
			sizes = new SizeConditioning(t[0], t[1], t[2], t[3], t[4], t[5]);
			pooled = CpuBackend.floats(m.reference.resolve("text_pooled.f32"));
		}
		return o.engine().predict(CpuBackend.floats(m.reference.resolve("unet_sample.f32")), latent[1], latent[2], o.reference().get("unet_timestep").getAsFloat(),
				new TextConditioning(CpuBackend.floats(m.reference.resolve("text_hidden.f32")), pooled), sizes);
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void everyMergedLayerEqualsTorchsWPlusScaledUpTimesDown(Model m) throws IOException {
		try (Opened o = open(m)) {
			double weight = o.loraJson().get("weight").getAsDouble();
			o.engine().useLoras(List.of(new Lora.Applied(o.lora(), weight, weight)));
			List<JsonElement> modules = o.loraJson().getAsJsonArray("modules").asList();
			assertEquals(modules.size(), o.lora().modules().size());
			for (int i = 0; i < modules.size(); i++) {
				String layer = modules.get(i).getAsJsonObject().get("internal").getAsString();
				float[] merged = Layers.read(o.engine().layers().weight(layer));
				assertClose(CpuBackend.floats(m.reference.resolve("lora/merged_" + i + ".f32")), merged, 1e-5, m + " merged " + layer);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void theMergedNetworksEqualTorchsAndUnloadingGivesTheOriginalsBack(Model m) throws IOException {
		try (Opened o = open(m)) {
			int[][] ids = ids(m, o.reference());
			TextConditioning before = o.engine().encodeText(ids);
			float[] unetBefore = predict(o, m);
			double weight = o.loraJson().get("weight").getAsDouble();
			o.engine().useLoras(List.of(new Lora.Applied(o.lora(), weight, weight)));
			TextConditioning with = o.engine().encodeText(ids);
			assertClose(CpuBackend.floats(m.reference.resolve("lora/text_hidden.f32")), with.context(), 1e-4, m + " text encoder with the LoRA");
			if (m == Model.SDXL) {
				assertClose(CpuBackend.floats(m.reference.resolve("lora/text_pooled.f32")), with.pooled(), 1e-4, m + " pooled embedding with the LoRA");
			}
			float[] unetWith = predict(o, m);
			assertClose(CpuBackend.floats(m.reference.resolve("lora/unet_out.f32")), unetWith, 1e-4, m + " UNet with the LoRA");
			assertFalse(java.util.Arrays.equals(unetBefore, unetWith), "the LoRA changes the UNet");

			// the CPU backend's vector sums may round a last bit differently once the JIT has compiled them: equal within that
			o.engine().useLoras(List.of());
			assertClose(before.context(), o.engine().encodeText(ids).context(), 1e-5, m + " without the LoRA: the checkpoint's text encoder again");
			assertClose(unetBefore, predict(o, m), 1e-5, m + " without the LoRA: the checkpoint's UNet again");
			assertTheCheckpointsOwnLayers(o, "without the LoRA");
		}
	}

	/** Every layer the LoRA touches holds exactly the checkpoint's values. */
	private static void assertTheCheckpointsOwnLayers(Opened o, String when) throws CheckpointException {
		for (Lora.Module module : o.lora().modules()) {
			assertArrayEquals(o.checkpoint().weights().get(module.weight()).toFloats(), Layers.read(o.engine().layers().weight(module.weight())),
					module.weight() + " " + when);
		}
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void atWeightZeroEveryLayerIsTheCheckpointsOwn(Model m) throws IOException {
		try (Opened o = open(m)) {
			o.engine().useLoras(List.of(new Lora.Applied(o.lora(), 0, 0)));
			assertTheCheckpointsOwnLayers(o, "at weight 0");
		}
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void twoLorasAddTheirWeightedUpdates(Model m) throws IOException {
		try (Opened o = open(m); Lora again = Lora.open(o.lora().file(), o.checkpoint())) {
			// the same LoRA twice at 0.3 and 0.5 is the LoRA at 0.8
			o.engine().useLoras(List.of(new Lora.Applied(o.lora(), 0.3, 0.3), new Lora.Applied(again, 0.5, 0.5)));
			String layer = o.loraJson().getAsJsonArray("modules").get(0).getAsJsonObject().get("internal").getAsString();
			assertClose(CpuBackend.floats(m.reference.resolve("lora/merged_0.f32")), Layers.read(o.engine().layers().weight(layer)), 1e-5, m + " two LoRAs");
		}
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void keysThatMatchNoLayerAreRefusedNamingTheFileAndTheKeys(Model m) throws IOException {
		Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(m.spec, "F16", dir.resolve("tiny.safetensors")), null);
		try (checkpoint) {
			Path bad = TestLoras.fromReference(m.reference.resolve("lora/lora.json"), "F32", dir.resolve("other.safetensors"),
					Map.of("lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight", new long[] { 4, 8 }, "lora_te3_text_projection.alpha", new long[0]));
			CheckpointException e = assertThrows(CheckpointException.class, () -> Lora.open(bad, checkpoint));
			assertTrue(e.getMessage().startsWith(bad + ": 2 of its "), e.getMessage());
			assertTrue(e.getMessage().contains("lora_te3_text_projection.alpha, lora_unet_down_blocks_9_attentions_0_proj_in.lora_down.weight"), e.getMessage());
		}
	}
}
