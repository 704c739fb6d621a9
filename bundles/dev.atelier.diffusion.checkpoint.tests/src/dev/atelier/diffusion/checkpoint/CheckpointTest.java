package dev.atelier.diffusion.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.LdmLayout.Spec;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/** Reduced-size single-file checkpoints of each family, written by the test in the ldm layout, opened and detected. */
class CheckpointTest {

	@TempDir
	Path dir;

	private Path write(String name, Spec spec, String dtype) throws IOException {
		return new SafetensorsWriter().weights(LdmLayout.weights(spec), dtype).typed(LdmLayout.extras(spec)).write(dir.resolve(name));
	}

	@Test
	void sd1IsDetectedWithItsConfigurationFromTheShapes() throws IOException {
		try (Checkpoint c = Checkpoint.open(write("sd1.safetensors", LdmLayout.TINY_SD1, "F16"), null)) {
			assertEquals(Family.SD1, c.family());
			assertEquals(Prediction.EPSILON, c.prediction());
			assertFalse(c.inpainting());
			assertEquals(new UNetConfig(4, 4, 64, new int[] { 1, 2 }, 1, new int[] { 1, 1 }, 1, 64, false, 0), c.unet());
			assertEquals(8, c.family().unetHeads(128), "SD 1.x has 8 heads whatever the width");
			TextEncoderConfig te = c.textEncoders().get("text_encoder.");
			assertEquals(new TextEncoderConfig("CLIP", 100, 8, 64, 2, 256, 0), te);
			assertEquals(1, te.heads());
			assertEquals(new VaeConfig(4, 32, new int[] { 1, 2 }, 1), c.vae());
			assertEquals(c.source(), c.vaeSource());
			assertTrue(c.unused().isEmpty(), c.unused().toString());
			assertTrue(c.ignored().contains("alphas_cumprod") && c.ignored().contains("model_ema.decay")
					&& c.ignored().contains("cond_stage_model.transformer.text_model.embeddings.position_ids"), c.ignored().toString());
			assertTrue(c.describe().contains("SD 1.x, ε-prediction (safetensors)"), c.describe());
		}
	}

	@Test
	void bothSd1TextEncoderKeyFormsGiveTheSameWeights() throws IOException {
		try (Checkpoint with = Checkpoint.open(write("with.safetensors", LdmLayout.TINY_SD1, "F32"), null);
				Checkpoint without = Checkpoint.open(write("without.safetensors", LdmLayout.TINY_SD1.withoutTextModelPrefix(), "F32"), null)) {
			assertEquals(with.weights().keySet(), without.weights().keySet());
			assertEquals("cond_stage_model.transformer.encoder.layers.1.mlp.fc2.weight",
					without.weights().get("text_encoder.text_model.encoder.layers.1.mlp.fc2.weight").source().key());
			assertArrayEquals(with.weights().get("text_encoder.text_model.final_layer_norm.bias").toFloats(),
					without.weights().get("text_encoder.text_model.final_layer_norm.bias").toFloats());
		}
	}

	@Test
	void sd2PredictsVWhereTheLastUpBlocksNormBiasSpreadsAsComfyUiTests() throws IOException {
		String bias = "model.diffusion_model.output_blocks.3.1.transformer_blocks.0.norm1.bias"; // the last output block: 2 levels × (1 + 1)
		Path eps = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F32").write(dir.resolve("eps.safetensors"));
		Path v = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F32").spread(k -> k.equals(bias) ? 0.3 : 0.02)
				.write(dir.resolve("v.safetensors"));
		try (Checkpoint e = Checkpoint.open(eps, null); Checkpoint p = Checkpoint.open(v, null)) {
			assertEquals(Family.SD2, e.family());
			assertEquals(Prediction.EPSILON, e.prediction());
			assertEquals(Prediction.V_PREDICTION, p.prediction());
			assertTrue(e.unet().linearProjection());
			assertEquals(2, e.family().unetHeads(128), "64-wide heads");
			assertEquals("OpenCLIP", e.textEncoders().get("text_encoder.").layout());
			assertTrue(e.ignored().contains("cond_stage_model.model.text_projection"), "SD 2.x does not use the projection");
		}
	}

	@Test
	void anAutomatic1111SidecarConfigDecidesTheSd2Prediction() throws IOException {
		Path v = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F32").write(dir.resolve("768-v.safetensors"));
		Files.writeString(dir.resolve("768-v.yaml"), "model:\n  target: ldm.models.diffusion.ddpm.LatentDiffusion\n  params:\n    parameterization: \"v\"\n");
		Path eps = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F32").write(dir.resolve("base.safetensors"));
		Files.writeString(dir.resolve("base.yaml"), "model:\n  params:\n    linear_start: 0.00085\n");
		try (Checkpoint p = Checkpoint.open(v, null); Checkpoint e = Checkpoint.open(eps, null)) {
			assertEquals(Prediction.V_PREDICTION, p.prediction(), "parameterization: \"v\"");
			assertEquals(Prediction.EPSILON, e.prediction(), "ldm's default parameterization is eps");
		}
		Path odd = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F32").write(dir.resolve("odd.safetensors"));
		Path yaml = Files.writeString(dir.resolve("odd.yaml"), "    parameterization: x0\n");
		CheckpointException x = assertThrows(CheckpointException.class, () -> Checkpoint.open(odd, null));
		assertEquals(yaml + ": parameterization 'x0' is neither \"eps\" nor \"v\"", x.getMessage());
	}

	@Test
	void nineChannelUnetsAreInpaintingAndSd2InpaintingStaysEpsilon() throws IOException {
		String bias = "model.diffusion_model.output_blocks.3.1.transformer_blocks.0.norm1.bias";
		Path sd1 = write("sd1-inpaint.safetensors", LdmLayout.TINY_SD1.withInChannels(9), "F16");
		Path sd2 = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2.withInChannels(9)), "F32").spread(k -> k.equals(bias) ? 0.3 : 0.02)
				.write(dir.resolve("sd2-inpaint.safetensors"));
		Path xl = write("sdxl-inpaint.safetensors", LdmLayout.TINY_SDXL.withInChannels(9), "BF16");
		try (Checkpoint a = Checkpoint.open(sd1, null); Checkpoint b = Checkpoint.open(sd2, null); Checkpoint c = Checkpoint.open(xl, null)) {
			assertTrue(a.inpainting() && b.inpainting() && c.inpainting());
			assertEquals(9, a.unet().inChannels());
			assertEquals(Prediction.EPSILON, b.prediction());
			assertEquals(Family.SDXL, c.family());
			assertTrue(a.describe().contains("SD 1.x inpainting"), a.describe());
		}
	}

	@Test
	void sdxlHasTwoTextEncodersTheSecondWithItsProjectionTransposedAndQkvSplit() throws IOException {
		Path file = write("sdxl.safetensors", LdmLayout.TINY_SDXL, "F32");
		try (Checkpoint c = Checkpoint.open(file, null)) {
			assertEquals(Family.SDXL, c.family());
			assertEquals(64 + 128, c.unet().contextDim());
			assertEquals(128 + 6 * 256, c.unet().admInChannels());
			assertArrayEquals(new int[] { 0, 2 }, c.unet().transformerDepth());
			assertEquals(2, c.unet().midDepth());
			TextEncoderConfig g = c.textEncoders().get("text_encoder_2.");
			assertEquals(new TextEncoderConfig("OpenCLIP", 100, 8, 128, 2, 512, 128), g);
			assertEquals("CLIP", c.textEncoders().get("text_encoder.").layout());

			Weight proj = c.weights().get("text_encoder_2.text_projection.weight");
			float[] stored = Weight.of("p", proj.source()).toFloats();
			float[] t = proj.toFloats();
			assertEquals(stored[1 * 128 + 0], t[0 * 128 + 1], "element (0, 1) is stored at (1, 0)");
			assertEquals(stored[5 * 128 + 7], t[7 * 128 + 5]);

			Weight k = c.weights().get("text_encoder_2.text_model.encoder.layers.1.self_attn.k_proj.weight");
			float[] fused = Weight.of("f", k.source()).toFloats();
			float[] split = k.toFloats();
			assertArrayEquals(new long[] { 128, 128 }, k.shape());
			for (int i = 0; i < split.length; i++) {
				assertEquals(fused[128 * 128 + i], split[i], "k is the fused tensor's second third");
			}
			float[] vBias = c.weights().get("text_encoder_2.text_model.encoder.layers.1.self_attn.v_proj.bias").toFloats();
			float[] fusedBias = Weight.of("b", c.weights().get("text_encoder_2.text_model.encoder.layers.1.self_attn.v_proj.bias").source()).toFloats();
			assertEquals(fusedBias[256], vBias[0]);
		}
	}

	@Test
	void f16AndBf16WeightsReadAsTheF32ValuesRoundedAsTheyWereStored() throws IOException {
		try (Checkpoint f32 = Checkpoint.open(write("a.safetensors", LdmLayout.TINY_SD1, "F32"), null);
				Checkpoint f16 = Checkpoint.open(write("b.safetensors", LdmLayout.TINY_SD1, "F16"), null);
				Checkpoint bf16 = Checkpoint.open(write("c.safetensors", LdmLayout.TINY_SD1, "BF16"), null)) {
			String name = "unet.down_blocks.1.resnets.0.conv1.weight";
			float[] exact = f32.weights().get(name).toFloats();
			float[] half = f16.weights().get(name).toFloats();
			float[] brain = bf16.weights().get(name).toFloats();
			for (int i = 0; i < exact.length; i++) {
				assertEquals(Float.float16ToFloat(Float.floatToFloat16(exact[i])), half[i]);
				assertEquals(Float.intBitsToFloat(Float.floatToRawIntBits(exact[i]) & 0xffff0000), brain[i]);
			}
			assertEquals(DType.F16, f16.weights().get(name).dtype());
		}
	}

	@Test
	void aSeparateVaeFileReplacesTheCheckpointsVae() throws IOException {
		Path model = write("model.safetensors", LdmLayout.TINY_SD1, "F16");
		Spec wider = new Spec(LdmLayout.Kind.SD1, 4, 64, new int[] { 1, 2 }, 1, new int[] { 1, 1 }, 1, new int[] { 64 }, new int[] { 2 }, 100, 8, 64,
				new int[] { 1, 1, 2 }, 2, 4, true);
		Map<String, long[]> vae = new LinkedHashMap<>();
		LdmLayout.weights(wider).forEach((k, s) -> {
			if (k.startsWith("first_stage_model.")) {
				vae.put(k.substring("first_stage_model.".length()), s); // vae-ft-mse-840000's bare keys
			}
		});
		Path vaeFile = new SafetensorsWriter().weights(vae, "F32").write(dir.resolve("vae.safetensors"));
		try (Checkpoint c = Checkpoint.open(model, vaeFile)) {
			assertEquals(new VaeConfig(4, 64, new int[] { 1, 1, 2 }, 2), c.vae());
			assertEquals(vaeFile, c.vaeSource());
			assertEquals(vaeFile, c.weights().get("vae.decoder.up_blocks.0.resnets.2.conv2.weight").source().file());
			assertEquals(DType.F32, c.weights().get("vae.encoder.mid_block.attentions.0.to_q.weight").dtype());
			assertArrayEquals(new long[] { 128, 128 }, c.weights().get("vae.encoder.mid_block.attentions.0.to_q.weight").shape(), "1×1 convolution as linear");
			assertTrue(c.describe().contains("(from " + vaeFile + ")"), c.describe());
		}
	}

	@Test
	void aMissingTensorIsRefusedNamingTheFileAndTheTensor() throws IOException {
		Map<String, long[]> shapes = new LinkedHashMap<>(LdmLayout.weights(LdmLayout.TINY_SD1));
		shapes.remove("model.diffusion_model.output_blocks.2.0.out_layers.3.weight");
		shapes.remove("first_stage_model.decoder.mid.attn_1.k.bias");
		Path file = new SafetensorsWriter().weights(shapes, "F16").write(dir.resolve("partial.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file, null));
		assertTrue(e.getMessage().startsWith(file + ": SD 1.x checkpoint"), e.getMessage());
		assertTrue(e.getMessage().contains("missing 2 tensors: unet.up_blocks.1.resnets.0.conv2.weight, vae.decoder.mid_block.attentions.0.to_k.bias"),
				e.getMessage());
	}

	@Test
	void aMisshapenTensorIsRefusedWithItsStoredKeyAndBothShapes() throws IOException {
		Map<String, long[]> shapes = new LinkedHashMap<>(LdmLayout.weights(LdmLayout.TINY_SD1));
		shapes.put("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_v.weight", new long[] { 64, 32 });
		Path file = new SafetensorsWriter().weights(shapes, "F16").write(dir.resolve("wrong.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file, null));
		assertTrue(e.getMessage().contains("1 misshapen: model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_v.weight [64, 32] (expected [64, 64])"),
				e.getMessage());
	}

	@Test
	void anUnknownFamilyIsRefusedSayingWhatWasFound() throws IOException {
		Map<String, long[]> shapes = new LinkedHashMap<>(LdmLayout.weights(LdmLayout.TINY_SDXL));
		shapes.keySet().removeIf(k -> k.startsWith("conditioner.embedders.1."));
		Path file = new SafetensorsWriter().weights(shapes, "F16").write(dir.resolve("odd.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file, null));
		assertEquals(file + ": not a known Stable Diffusion family (SD 1.x, SD 2.x, SDXL): found a UNet with linear projections, context 192, adm 1664; "
				+ "text_encoder in CLIP layout, width 64; no text_encoder_2", e.getMessage());
	}

	@Test
	void aFileThatIsNoCheckpointSaysWhatItLooksLike() throws IOException {
		Path lora = new SafetensorsWriter().weights(Map.of("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", new long[] { 4, 64 }), "F16")
				.write(dir.resolve("style.safetensors"));
		CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(lora, null));
		assertTrue(e.getMessage().startsWith(lora + ": not a Stable Diffusion checkpoint in the original (ldm) layout"), e.getMessage());
		assertTrue(e.getMessage().contains("it looks like a LoRA"), e.getMessage());
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 100, 5000 })
	void aTruncatedFileIsRefusedNamingTheFileAndATensor(int cut) throws IOException {
		Path file = write("cut.safetensors", LdmLayout.TINY_SD1, "F16");
		byte[] all = Files.readAllBytes(file);
		Files.write(file, java.util.Arrays.copyOf(all, all.length - cut));
		CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(file, null));
		assertTrue(e.getMessage().startsWith(file + ": tensor "), e.getMessage());
		assertTrue(e.getMessage().contains("(truncated file?)"), e.getMessage());
	}

	@Test
	void aDiffusersFolderWithSafetensorsLoadsAsTheSameModel() throws IOException {
		Path single = write("sd1.safetensors", LdmLayout.TINY_SD1, "F32");
		Path folder = dir.resolve("pipeline");
		try (Checkpoint c = Checkpoint.open(single, null)) {
			// a folder is these weights under diffusers' names, one file per component
			for (String component : new String[] { "unet", "vae", "text_encoder" }) {
				Map<String, long[]> shapes = new LinkedHashMap<>();
				c.weights().forEach((k, w) -> {
					if (k.startsWith(component + ".")) {
						shapes.put(k.substring(component.length() + 1), w.shape());
					}
				});
				Files.createDirectories(folder.resolve(component));
				Files.writeString(folder.resolve(component).resolve("config.json"), component.equals("unet")
						? "{\"in_channels\": 4, \"cross_attention_dim\": 64, \"attention_head_dim\": 8}" : "{}");
				new SafetensorsWriter().weights(shapes, "F16")
						.write(folder.resolve(component).resolve(component.startsWith("text") ? "model.safetensors" : "diffusion_pytorch_model.safetensors"));
			}
			Files.createDirectories(folder.resolve("scheduler"));
			Files.writeString(folder.resolve("scheduler/scheduler_config.json"), "{\"prediction_type\": \"v_prediction\"}");
			try (Checkpoint f = Checkpoint.open(folder, null)) {
				assertEquals(Family.SD1, f.family());
				assertEquals(c.unet(), f.unet());
				assertEquals(c.vae(), f.vae());
				assertEquals(c.weights().keySet(), f.weights().keySet());
				assertEquals(Prediction.V_PREDICTION, f.prediction(), "a folder's scheduler_config.json says what it predicts");
				assertEquals("diffusers folder", f.format());
			}
			Files.writeString(folder.resolve("unet/config.json"), "{\"attention_head_dim\": 4}");
			CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(folder, null));
			assertEquals(folder.resolve("unet/config.json") + ": attention_head_dim gives 4 heads at level 0; SD 1.x's rule gives 8 (other head counts are not supported)",
					e.getMessage());
		}
	}
}
