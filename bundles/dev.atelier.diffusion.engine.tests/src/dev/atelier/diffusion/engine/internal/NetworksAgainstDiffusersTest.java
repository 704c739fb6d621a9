package dev.atelier.diffusion.engine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.compute.TensorType;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;
import dev.atelier.testing.Spread;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.diffusion.checkpoint.LdmLayout;

/**
 * The engine's networks on the CPU backend against diffusers' modules (reference/, made by
 * releng/diffusion/make_engine_reference.py) for the reduced SD 1.x, SD 2.x and SDXL checkpoints that FormulaWeights
 * writes, each from an F32 and an F16 file. Errors are compared with the reference's spread: the largest difference over
 * the standard deviation.
 */
class NetworksAgainstDiffusersTest {

	/** Tests run in the test bundle's folder. */
	private static final Path REFERENCES = Path.of("reference").toAbsolutePath();

	enum Stored {
		F32, F16
	}

	/** The reduced checkpoints and where their reference outputs are. */
	enum Model {
		SD1(FormulaWeights.SD1_REFERENCE, REFERENCES), SD2(FormulaWeights.SD2_REFERENCE, REFERENCES.resolve("sd2")),
		SDXL(FormulaWeights.SDXL_REFERENCE, REFERENCES.resolve("sdxl"));

		final LdmLayout.Spec spec;
		final Path reference;

		Model(LdmLayout.Spec spec, Path reference) {
			this.spec = spec;
			this.reference = reference;
		}
	}

	private record Key(Model model, Stored stored) {
	}

	private static VramLease lease;
	private static ComputeContext context;
	private static Compute compute;
	private static final Map<Key, Checkpoint> checkpoints = new HashMap<>();
	private static final Map<Key, DiffusionNetworks> networks = new HashMap<>();
	private static final Map<Model, JsonObject> references = new EnumMap<>(Model.class);

	@BeforeAll
	static void writeTheCheckpointsAndOpenTheEngine(@TempDir Path dir) throws Exception {
		DeviceService devices = Services.await(Engine.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("engine test", 1L << 30));
		context = devices.openContext(lease);
		compute = Services.await(Engine.class, ComputeRuntime.class).open(context, 2);
		for (Model m : Model.values()) {
			references.put(m, JsonParser.parseString(Files.readString(m.reference.resolve("reference.json"))).getAsJsonObject());
			for (Stored s : Stored.values()) {
				Path file = FormulaWeights.write(m.spec, s.name(), dir.resolve("tiny-" + m + "-" + s + ".safetensors"));
				Checkpoint c = Checkpoint.open(file, null);
				checkpoints.put(new Key(m, s), c);
				networks.put(new Key(m, s), DiffusionNetworks.open(c, compute));
			}
		}
	}

	@AfterAll
	static void close() {
		networks.values().forEach(DiffusionNetworks::close);
		checkpoints.values().forEach(Checkpoint::close);
		compute.close();
		context.close();
		lease.close();
	}

	static float[] floats(Model m, String name) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(m.reference.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
		float[] out = new float[b.remaining() / 4];
		b.asFloatBuffer().get(out);
		return out;
	}

	/** The prompt's ids, one sequence per text encoder (SD 1.x's reference has the one). */
	static int[][] ids(Model m) {
		JsonArray ids = references.get(m).getAsJsonArray("input_ids");
		List<JsonArray> sequences = ids.get(0).isJsonArray() ? ids.asList().stream().map(JsonElement::getAsJsonArray).toList() : List.of(ids);
		return sequences.stream().map(a -> a.asList().stream().mapToInt(JsonElement::getAsInt).toArray()).toArray(int[][]::new);
	}

	/** The largest absolute difference over the reference's standard deviation; fails unless within {@code bound}. */
	static double assertClose(float[] want, float[] got, double bound, String what) {
		assertEquals(want.length, got.length, what + ": values");
		Spread spread = Spread.of(want, got);
		double relative = spread.relative();
		System.out.printf("%s: largest difference %.3g, %.3g of the reference's standard deviation%n", what, spread.largestDifference(), relative);
		assertTrue(relative <= bound, what + ": the largest difference is " + relative + " of the reference's standard deviation, over " + bound);
		return relative;
	}

	/** F32 weights agree to float rounding; F16 weights are rounded to 11 bits, which moves outputs by about 1e-3. */
	private static double bound(Stored s) {
		return s == Stored.F32 ? 1e-4 : 2e-2;
	}

	private static DiffusionNetworks networks(Model m, Stored s) {
		return networks.get(new Key(m, s));
	}

	/** The reference's conditioning: its text states and (SDXL) pooled embedding, as diffusers computed them. */
	private static TextConditioning text(Model m) throws IOException {
		return new TextConditioning(floats(m, "text_hidden.f32"), m == Model.SDXL ? floats(m, "text_pooled.f32") : new float[0]);
	}

	@ParameterizedTest
	@CsvSource({ "SD1, F32", "SD1, F16", "SD2, F32", "SD2, F16", "SDXL, F32", "SDXL, F16" })
	void textEncoderStatesEqualTransformersClip(Model m, Stored s) throws IOException {
		TextConditioning got = networks(m, s).encodeText(ids(m));
		assertClose(floats(m, "text_hidden.f32"), got.context(), bound(s), m + " text encoder (" + s + ")");
		if (m == Model.SDXL) {
			assertClose(floats(m, "text_pooled.f32"), got.pooled(), bound(s), m + " pooled text embedding (" + s + ")");
		} else {
			assertEquals(0, got.pooled().length, m + " has no pooled text embedding");
		}
	}

	/**
	 * A long weighted prompt's chunks (weighted.json: each encoder's ids, a weight per token) against the reference's
	 * conditioning: transformers' encoders per chunk, AUTOMATIC1111's emphasis per encoder, the chunks one after another
	 * (text_weighted.f32), SDXL's pooled embedding of the first chunk.
	 */
	@ParameterizedTest
	@CsvSource({ "SD1, F32", "SD1, F16", "SD2, F32", "SD2, F16", "SDXL, F32", "SDXL, F16" })
	void weightedChunksEqualTorchWithA1111Emphasis(Model m, Stored s) throws IOException {
		JsonObject weighted = JsonParser.parseString(Files.readString(m.reference.resolve("weighted.json"))).getAsJsonObject();
		JsonArray perEncoder = weighted.getAsJsonArray("input_ids");
		JsonArray multipliers = weighted.getAsJsonArray("multipliers");
		DiffusionNetworks n = networks(m, s);
		int chunkValues = n.textLength() * n.contextWidth();
		float[] context = new float[multipliers.size() * chunkValues];
		float[] pooled = null;
		for (int c = 0; c < multipliers.size(); c++) {
			int[][] ids = new int[perEncoder.size()][];
			for (int e = 0; e < ids.length; e++) {
				ids[e] = perEncoder.get(e).getAsJsonArray().get(c).getAsJsonArray().asList().stream().mapToInt(JsonElement::getAsInt).toArray();
			}
			float[] weights = new float[n.textLength()];
			for (int t = 0; t < weights.length; t++) {
				weights[t] = multipliers.get(c).getAsJsonArray().get(t).getAsFloat();
			}
			TextConditioning chunk = n.encodeText(weights, ids);
			System.arraycopy(chunk.context(), 0, context, c * chunkValues, chunkValues);
			pooled = pooled == null ? chunk.pooled() : pooled;
		}
		assertTrue(multipliers.size() > 1, "the reference prompt is longer than one chunk");
		assertClose(floats(m, "text_weighted.f32"), context, bound(s), m + " weighted chunks (" + s + ")");
		if (m == Model.SDXL) {
			assertClose(floats(m, "text_weighted_pooled.f32"), pooled, bound(s), m + " first chunk's pooled embedding (" + s + ")");
		}
	}

	@Test
	void twoEqualChunksGiveTheOneChunksPrediction() throws IOException {
		DiffusionNetworks n = networks(Model.SD1, Stored.F32);
		int[] latent = latentShape(Model.SD1);
		float[] sample = floats(Model.SD1, "unet_sample.f32");
		float[] one = floats(Model.SD1, "text_hidden.f32");
		float[] twice = new float[2 * one.length];
		System.arraycopy(one, 0, twice, 0, one.length);
		System.arraycopy(one, 0, twice, one.length, one.length);
		float[] single = n.predict(sample, latent[1], latent[2], 500, new TextConditioning(one, new float[0]), null);
		// the same states twice over: attention's weights halve and the values double up, so the output is the same
		assertClose(single, n.predict(sample, latent[1], latent[2], 500, new TextConditioning(twice, new float[0]), null), 1e-5, "two equal chunks");
	}

	/**
	 * CFG's two rows and a batch's images run through the UNet as one: each latent with its own text (SDXL: its own
	 * pooled embedding too, so its own time embedding) gets what it gets alone.
	 */
	@ParameterizedTest
	@CsvSource({ "SD1", "SD2", "SDXL" })
	void aBatchOfLatentsGetsWhatEachGetsAlone(Model m) throws IOException {
		DiffusionNetworks n = networks(m, Stored.F32);
		int[] latent = latentShape(m);
		float[] sample = floats(m, "unet_sample.f32");
		TextConditioning text = text(m);
		float[] otherContext = text.context().clone();
		float[] otherPooled = text.pooled().clone();
		for (int i = 0; i < otherContext.length; i++) {
			otherContext[i] = -0.5f * otherContext[i] + 0.1f;
		}
		for (int i = 0; i < otherPooled.length; i++) {
			otherPooled[i] = 0.3f - otherPooled[i];
		}
		TextConditioning other = new TextConditioning(otherContext, otherPooled);
		float[] otherSample = new float[sample.length];
		for (int i = 0; i < sample.length; i++) {
			otherSample[i] = sample[sample.length - 1 - i];
		}
		SizeConditioning sizes = m == Model.SDXL ? SizeConditioning.of(latent[1] * 8, latent[2] * 8) : null;
		float[] both = new float[2 * sample.length];
		System.arraycopy(sample, 0, both, 0, sample.length);
		System.arraycopy(otherSample, 0, both, sample.length, sample.length);
		float[] batched = n.predict(both, 2, latent[1], latent[2], 500, List.of(text, other), sizes, null);
		float[] first = n.predict(sample, latent[1], latent[2], 500, text, sizes);
		float[] second = n.predict(otherSample, latent[1], latent[2], 500, other, sizes);
		int per = first.length;
		assertClose(first, Arrays.copyOfRange(batched, 0, per), 1e-6, m + " first of the batch");
		assertClose(second, Arrays.copyOfRange(batched, per, 2 * per), 1e-6, m + " second of the batch");
		assertTrue(Math.abs(first[0] - second[0]) > 1e-4, "the two latents' predictions differ, so each row's own inputs were used");
	}

	/**
	 * A UNet run is captured at its first use and replayed at the next steps with new inputs (latent, timestep, text,
	 * SDXL's pooled embedding): each replay gets what a fresh engine's own run gets, and so does a run after the decoder
	 * let the graph go.
	 */
	@ParameterizedTest
	@CsvSource({ "SD1", "SDXL" })
	void aReplayedUNetStepGetsWhatARunOfItsOwnGets(Model m) throws IOException {
		int[] latent = latentShape(m);
		float[] sample = floats(m, "unet_sample.f32");
		float[] later = sample.clone();
		for (int i = 0; i < later.length; i++) {
			later[i] = 0.7f * later[i] - 0.05f;
		}
		TextConditioning text = text(m);
		float[] pooled = text.pooled().clone();
		for (int i = 0; i < pooled.length; i++) {
			pooled[i] *= -1;
		}
		TextConditioning other = new TextConditioning(text.context(), pooled);
		SizeConditioning sizes = m == Model.SDXL ? SizeConditioning.of(latent[1] * 8, latent[2] * 8) : null;
		Checkpoint checkpoint = checkpoints.get(new Key(m, Stored.F32));
		try (DiffusionNetworks stepping = DiffusionNetworks.open(checkpoint, compute); DiffusionNetworks fresh = DiffusionNetworks.open(checkpoint, compute)) {
			float[] firstStep = stepping.predict(sample, latent[1], latent[2], 500, text, sizes);
			float[] replayed = stepping.predict(later, latent[1], latent[2], 250, other, sizes);
			assertArrayEquals(fresh.predict(later, latent[1], latent[2], 250, other, sizes), replayed, m + ": the replay");
			stepping.decode(new float[4 * latent[1] * latent[2]], latent[1], latent[2]);
			assertArrayEquals(firstStep, stepping.predict(sample, latent[1], latent[2], 500, text, sizes), m + ": a run after the decoder");
		}
	}

	@ParameterizedTest
	@CsvSource({ "SD1, F32", "SD1, F16", "SD2, F32", "SD2, F16", "SDXL, F32", "SDXL, F16" })
	void unetPredictionEqualsDiffusersUNet2DConditionModel(Model m, Stored s) throws IOException {
		int[] latent = latentShape(m);
		JsonObject reference = references.get(m);
		SizeConditioning sizes = null;
		if (reference.has("time_ids")) {
			int[] t = reference.getAsJsonArray("time_ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
			sizes = new SizeConditioning(t[0], t[1], t[2], t[3], t[4], t[5]);
		}
		float[] got = networks(m, s).predict(floats(m, "unet_sample.f32"), latent[1], latent[2], reference.get("unet_timestep").getAsFloat(), text(m), sizes);
		assertClose(floats(m, "unet_out.f32"), got, bound(s), m + " UNet (" + s + ")");
	}

	@ParameterizedTest
	@CsvSource({ "SD1, F32", "SD1, F16", "SD2, F32", "SD2, F16", "SDXL, F32", "SDXL, F16" })
	void vaeDecodeEqualsDiffusersAutoencoderKL(Model m, Stored s) throws IOException {
		// the three files' VAEs have the same keys, so the same formula weights: SD 1.x's reference is each one's
		int[] latent = latentShape(Model.SD1);
		float[] got = networks(m, s).decode(floats(Model.SD1, "vae_latent.f32"), latent[1], latent[2]);
		assertClose(floats(Model.SD1, "vae_image.f32"), got, bound(s), m + " VAE decoder (" + s + ")");
	}

	@ParameterizedTest
	@CsvSource({ "F32", "F16" })
	void vaeEncoderMomentsEqualDiffusersAutoencoderKL(Stored s) throws IOException {
		int[] image = references.get(Model.SD1).getAsJsonArray("image").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
		float[] got = networks(Model.SD1, s).encodeImage(floats(Model.SD1, "vae_encoder_image.f32"), image[1], image[2]);
		assertClose(floats(Model.SD1, "vae_moments.f32"), got, bound(s), "VAE encoder (" + s + ")");
	}

	private static int[] latentShape(Model m) {
		return references.get(m).getAsJsonArray("latent").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
	}

	@Test
	void theEngineTakesTheCheckpointsSizesFromItsConfiguration() {
		DiffusionNetworks n = networks(Model.SD1, Stored.F32);
		assertArrayEquals(new int[] { 77, 1, 128, 0, 4, 8 },
				new int[] { n.textLength(), n.textEncoders(), n.contextWidth(), n.pooledWidth(), n.latentChannels(), n.vaeScale() });
		DiffusionNetworks xl = networks(Model.SDXL, Stored.F32);
		assertArrayEquals(new int[] { 77, 2, 64 + 128, 128 }, new int[] { xl.textLength(), xl.textEncoders(), xl.contextWidth(), xl.pooledWidth() });
	}

	@Test
	void sdxlsVaeRunsFromF32WeightsOfAnF16FileAsItOverflowsHalfPrecision() {
		Engine xl = (Engine) networks(Model.SDXL, Stored.F16);
		assertEquals(TensorType.F32, xl.heldType("vae.decoder.conv_in.weight"));
		assertEquals(TensorType.F16, xl.heldType("unet.conv_in.weight"), "the UNet keeps the file's type");
		assertEquals(TensorType.F16, ((Engine) networks(Model.SD1, Stored.F16)).heldType("vae.decoder.conv_in.weight"), "SD 1.x's VAE does not overflow");
	}

	@Test
	void openClipEncodersPadWithTheirTokenizersExclamationMark() {
		assertEquals(List.of("<|endoftext|>"), List.of(networks(Model.SD1, Stored.F32).padToken(0)));
		assertEquals(List.of("!"), List.of(networks(Model.SD2, Stored.F32).padToken(0)));
		DiffusionNetworks xl = networks(Model.SDXL, Stored.F32);
		assertEquals(List.of("<|endoftext|>", "!"), List.of(xl.padToken(0), xl.padToken(1)));
	}

	@Test
	void anSdxlPredictionWithoutSizeConditioningIsRefused() throws IOException {
		DiffusionNetworks xl = networks(Model.SDXL, Stored.F32);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> xl.predict(new float[4 * 8 * 8], 8, 8, 1, text(Model.SDXL), null));
		assertEquals("this UNet (SDXL) needs the size conditioning", e.getMessage());
	}

	@Test
	void aLatentWhoseSidesDoNotHalveAtEveryLevelIsRefusedBeforeItRuns() {
		DiffusionNetworks n = networks(Model.SD1, Stored.F32);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> n.predict(new float[4 * 6 * 6], 6, 6, 1, new TextConditioning(new float[77 * 128], new float[0]), null));
		assertEquals("this UNet halves the latent 2 times; 6×6 is not a multiple of 4", e.getMessage());
	}
}
