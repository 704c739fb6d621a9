package dev.atelier.diffusion.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.Compute;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.testing.checkpoints.TestLoras;

/**
 * The streamed mode against the resident one on the reduced checkpoints: the same text states, UNet prediction and
 * decoded image, bit for bit, while the weights on the compute stay within the budget.
 */
class StreamedWeightsTest {

	enum Model {
		SD1(FormulaWeights.SD1_REFERENCE), SDXL(FormulaWeights.SDXL_REFERENCE);

		final LdmLayout.Spec spec;

		Model(LdmLayout.Spec spec) {
			this.spec = spec;
		}
	}

	@TempDir
	Path dir;
	private CpuBackend cpu;
	private Compute compute;

	@BeforeEach
	void openTheCpu() throws Exception {
		cpu = CpuBackend.open("streamed weights test");
		compute = cpu.compute();
	}

	@AfterEach
	void close() {
		cpu.close();
	}

	/** What one prompt, one UNet step and one decode give. */
	private record Outputs(float[] context, float[] pooled, float[] prediction, float[] image) {
	}

	private static Outputs run(Engine engine) {
		int[][] ids = new int[engine.textEncoders()][];
		for (int e = 0; e < ids.length; e++) {
			ids[e] = new int[engine.textLength()];
			Arrays.fill(ids[e], 49407);
			ids[e][0] = 49406;
			ids[e][1] = 320;
			ids[e][2] = 1929;
		}
		TextConditioning text = engine.encodeText(ids);
		int side = 8;
		SplittableRandom random = new SplittableRandom(7);
		float[] latent = new float[engine.unetInChannels() * side * side];
		for (int i = 0; i < latent.length; i++) {
			latent[i] = (float) random.nextGaussian();
		}
		float[] prediction = engine.predict(latent, side, side, 500, text, SizeConditioning.of(side * engine.vaeScale(), side * engine.vaeScale()));
		float[] image = engine.decode(Arrays.copyOf(prediction, engine.latentChannels() * side * side), side, side);
		return new Outputs(text.context(), text.pooled(), prediction, image);
	}

	private static void assertSame(Outputs resident, Outputs streamed) {
		assertArrayEquals(resident.context(), streamed.context(), "text states");
		assertArrayEquals(resident.pooled(), streamed.pooled(), "pooled text embedding");
		assertArrayEquals(resident.prediction(), streamed.prediction(), "UNet prediction");
		assertArrayEquals(resident.image(), streamed.image(), "decoded image");
	}

	@ParameterizedTest
	@EnumSource(Model.class)
	void streamedWeightsGiveTheResidentOutputsBitForBitWithinTheBudget(Model m) throws Exception {
		try (Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(m.spec, "F16", dir.resolve("tiny-" + m + ".safetensors")), null)) {
			long budget = DiffusionNetworks.streamedWeightBytes(checkpoint);
			assertTrue(budget < DiffusionNetworks.residentWeightBytes(checkpoint), "twice the largest block is less than all the weights");
			Outputs resident;
			try (Engine engine = Engine.open(checkpoint, compute)) {
				resident = run(engine);
			}
			try (Engine engine = Engine.open(checkpoint, compute, budget)) {
				Outputs streamed = run(engine);
				assertSame(resident, streamed);
				long peak = engine.layers().peakWeightBytes();
				assertTrue(peak <= budget, "at most " + budget + " bytes of weights at once, not " + peak);
				assertTrue(peak > 0, "weights went onto the compute");
				assertSame(resident, run(engine));
			}
		}
	}

	@Test
	void aLoraMergedWhileStreamingIsWhatEachReloadOfItsWeightsReads() throws Exception {
		Path lora = TestLoras.fromReference(Path.of("reference", "lora", "lora.json").toAbsolutePath(), "F32", dir.resolve("lora.safetensors"), Map.of());
		try (Checkpoint checkpoint = Checkpoint.open(FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", dir.resolve("tiny.safetensors")), null);
				Lora opened = Lora.open(lora, checkpoint)) {
			List<Lora.Applied> applied = List.of(new Lora.Applied(opened, 0.8f, 0.8f));
			Outputs resident;
			try (Engine engine = Engine.open(checkpoint, compute)) {
				engine.useLoras(applied);
				resident = run(engine);
			}
			try (Engine engine = Engine.open(checkpoint, compute, DiffusionNetworks.streamedWeightBytes(checkpoint))) {
				engine.useLoras(applied);
				run(engine);
				// the second pass reads every weight again after the first let it go
				assertSame(resident, run(engine));
			}
		}
	}

	@Test
	void aBudgetBelowTwiceTheLargestBlockIsRefusedNamingTheFile() throws Exception {
		Path file = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", dir.resolve("tiny.safetensors"));
		try (Checkpoint checkpoint = Checkpoint.open(file, null)) {
			long least = DiffusionNetworks.streamedWeightBytes(checkpoint);
			String message = assertThrows(IllegalArgumentException.class, () -> Engine.open(checkpoint, compute, least - 1)).getMessage();
			assertTrue(message.startsWith(file.toString()) && message.contains("largest block needs " + least / 2), message);
		}
	}

	@Test
	void weightsStreamByResnetTransformerBlockAndTextEncoderLayer() {
		assertEquals("unet.down_blocks.1.resnets.0", Layers.block("unet.down_blocks.1.resnets.0.conv1.weight"));
		assertEquals("unet.down_blocks.1.attentions.0.transformer_blocks.2", Layers.block("unet.down_blocks.1.attentions.0.transformer_blocks.2.attn1.to_out.0.weight"));
		assertEquals("unet.down_blocks.1.attentions.0", Layers.block("unet.down_blocks.1.attentions.0.proj_in.weight"));
		assertEquals("text_encoder.text_model.encoder.layers.3", Layers.block("text_encoder.text_model.encoder.layers.3.mlp.fc1.bias"));
		assertEquals("unet.up_blocks.0.upsamplers.0", Layers.block("unet.up_blocks.0.upsamplers.0.conv.weight"));
		assertEquals("unet.conv_in", Layers.block("unet.conv_in.weight"));
	}
}
