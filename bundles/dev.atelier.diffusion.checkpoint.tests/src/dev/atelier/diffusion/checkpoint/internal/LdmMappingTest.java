package dev.atelier.diffusion.checkpoint.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.DType;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.Prediction;
import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.checkpoint.UNetConfig;
import dev.atelier.diffusion.checkpoint.VaeConfig;
import dev.atelier.diffusion.checkpoint.Weight;
import dev.atelier.diffusion.checkpoint.LdmLayout;

/**
 * The ldm → internal mapping over every key of the real SD 1.5 and SDXL base configurations (shapes only, no data): each
 * key maps, the detector reads the release configurations back, and the mapped names and shapes are exactly the ones
 * that configuration needs.
 */
class LdmMappingTest {

	private static final Path FILE = Path.of("real.safetensors");

	/** A tensor with a shape and no bytes: the mapping and detection read only shapes. */
	private record ShapeOnly(String key, long[] shape) implements StoredTensor {
		@Override
		public Path file() {
			return FILE;
		}

		@Override
		public DType dtype() {
			return DType.F16;
		}

		@Override
		public MemorySegment data() {
			throw new AssertionError("no data is read while mapping " + key);
		}
	}

	private static Map<String, StoredTensor> tensors(LdmLayout.Spec spec) {
		Map<String, StoredTensor> out = new LinkedHashMap<>();
		LdmLayout.weights(spec).forEach((k, s) -> out.put(k, new ShapeOnly(k, s)));
		LdmLayout.extras(spec).forEach((k, t) -> out.put(k, new ShapeOnly(k, (long[]) t[1])));
		return out;
	}

	private static void assertExactlyExpected(Mapped m, Map<String, long[]> expected) {
		assertTrue(m.unused.isEmpty(), "unmapped keys: " + m.unused);
		assertEquals(new TreeMap<>(expected).keySet(), m.weights.keySet());
		expected.forEach((k, s) -> assertArrayEquals(s, m.weights.get(k).shape(), k));
	}

	@Test
	void everyKeyOfTheRealSd15LayoutMapsToWhatItsConfigurationNeeds() throws CheckpointException {
		Map<String, StoredTensor> tensors = tensors(LdmLayout.SD15);
		assertEquals(686, tensors.keySet().stream().filter(k -> k.startsWith("model.diffusion_model.")).count(), "SD 1.5's UNet has 686 tensors");
		assertEquals(248, tensors.keySet().stream().filter(k -> k.startsWith("first_stage_model.")).count(), "its VAE 248");
		assertEquals(197, tensors.keySet().stream().filter(k -> k.startsWith("cond_stage_model.")).count(), "its CLIP 196 and position_ids");
		Mapped m = LdmMapping.map(tensors);
		Detector.Result r = Detector.detect(FILE, m.weights, m.textLayouts, Optional.empty(), false);
		assertEquals(Family.SD1, r.family());
		assertEquals(Prediction.EPSILON, r.prediction());
		assertEquals(new UNetConfig(4, 4, 320, new int[] { 1, 2, 4, 4 }, 2, new int[] { 1, 1, 1, 0 }, 1, 768, false, 0), r.unet());
		assertEquals(new TextEncoderConfig("CLIP", 49408, 77, 768, 12, 3072, 0), r.textEncoders().get("text_encoder."));
		assertEquals(12, r.textEncoders().get("text_encoder.").heads());
		assertEquals(new VaeConfig(4, 128, new int[] { 1, 2, 4, 4 }, 2), r.vae());
		Map<String, long[]> expected = new LinkedHashMap<>(Expected.unet(r.unet()));
		expected.putAll(Expected.vae(r.vae(), 3));
		expected.putAll(Expected.textEncoder("text_encoder.", r.textEncoders().get("text_encoder.")));
		assertExactlyExpected(m, expected);
		assertEquals(686 + 248 + 196, m.weights.size());
		assertEquals(8, m.ignored.size(), m.ignored.toString());
		assertArrayEquals(new long[] { 320, 320, 1, 1 }, m.weights.get("unet.down_blocks.0.attentions.0.proj_in.weight").shape());
		assertEquals("model.diffusion_model.output_blocks.8.2.conv.weight", m.weights.get("unet.up_blocks.2.upsamplers.0.conv.weight").source().key());
		assertEquals("model.diffusion_model.output_blocks.2.1.conv.weight", m.weights.get("unet.up_blocks.0.upsamplers.0.conv.weight").source().key());
		assertEquals("first_stage_model.decoder.up.3.block.0.conv1.weight", m.weights.get("vae.decoder.up_blocks.0.resnets.0.conv1.weight").source().key());
	}

	@Test
	void everyKeyOfTheRealSdxlBaseLayoutMapsToWhatItsConfigurationNeeds() throws CheckpointException {
		Map<String, StoredTensor> tensors = tensors(LdmLayout.SDXL_BASE);
		assertEquals(1680, tensors.keySet().stream().filter(k -> k.startsWith("model.diffusion_model.")).count(), "SDXL's UNet has 1680 tensors");
		Mapped m = LdmMapping.map(tensors);
		Detector.Result r = Detector.detect(FILE, m.weights, m.textLayouts, Optional.empty(), false);
		assertEquals(Family.SDXL, r.family());
		assertEquals(new UNetConfig(4, 4, 320, new int[] { 1, 2, 4 }, 2, new int[] { 0, 2, 10 }, 10, 2048, true, 2816), r.unet());
		assertEquals(new TextEncoderConfig("CLIP", 49408, 77, 768, 12, 3072, 0), r.textEncoders().get("text_encoder."));
		TextEncoderConfig bigG = r.textEncoders().get("text_encoder_2.");
		assertEquals(new TextEncoderConfig("OpenCLIP", 49408, 77, 1280, 32, 5120, 1280), bigG);
		assertEquals(20, bigG.heads());
		assertEquals(20, r.family().unetHeads(r.unet().channels(2)), "64-wide heads: 1280 channels, 20 heads");
		Map<String, long[]> expected = new LinkedHashMap<>(Expected.unet(r.unet()));
		expected.putAll(Expected.vae(r.vae(), 3));
		r.textEncoders().forEach((p, c) -> expected.putAll(Expected.textEncoder(p, c)));
		assertExactlyExpected(m, expected);
		assertTrue(m.ignored.contains("conditioner.embedders.1.model.logit_scale"), m.ignored.toString());
		Weight q = m.weights.get("text_encoder_2.text_model.encoder.layers.31.self_attn.q_proj.weight");
		assertEquals("conditioner.embedders.1.model.transformer.resblocks.31.attn.in_proj_weight", q.source().key());
		assertEquals(0, q.block());
		assertEquals(2, m.weights.get("text_encoder_2.text_model.encoder.layers.31.self_attn.v_proj.bias").block());
	}
}
