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
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * The engine's networks on the CPU backend against diffusers' modules (reference/, made by
 * releng/diffusion/make_engine_reference.py) for the reduced SD 1.x checkpoint that FormulaWeights writes, from an F32 and
 * an F16 file. Errors are compared with the reference's spread: the largest difference over the standard deviation.
 */
class NetworksAgainstDiffusersTest {

	/** Tests run in the test bundle's folder. */
	private static final Path REFERENCE = Path.of("reference").toAbsolutePath();

	enum Stored {
		F32, F16
	}

	private static VramLease lease;
	private static ComputeContext context;
	private static Compute compute;
	private static final Map<Stored, Checkpoint> checkpoints = new EnumMap<>(Stored.class);
	private static final Map<Stored, DiffusionNetworks> networks = new EnumMap<>(Stored.class);
	private static JsonObject reference;

	@BeforeAll
	static void writeTheCheckpointsAndOpenTheEngine(@TempDir Path dir) throws Exception {
		reference = JsonParser.parseString(Files.readString(REFERENCE.resolve("reference.json"))).getAsJsonObject();
		DeviceService devices = Services.await(Engine.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("engine test", 1L << 30));
		context = devices.openContext(lease);
		compute = Services.await(Engine.class, ComputeRuntime.class).open(context, 2);
		for (Stored s : Stored.values()) {
			Path file = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, s.name(), dir.resolve("tiny-sd1-" + s + ".safetensors"));
			Checkpoint c = Checkpoint.open(file, null);
			checkpoints.put(s, c);
			networks.put(s, DiffusionNetworks.open(c, compute));
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

	static float[] floats(String name) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(REFERENCE.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
		float[] out = new float[b.remaining() / 4];
		b.asFloatBuffer().get(out);
		return out;
	}

	static int[] ids() {
		return reference.getAsJsonArray("input_ids").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
	}

	/** The largest absolute difference over the reference's standard deviation; fails unless within {@code bound}. */
	static double assertClose(float[] want, float[] got, double bound, String what) {
		assertEquals(want.length, got.length, what + ": values");
		double mean = 0;
		for (float v : want) {
			mean += v / (double) want.length;
		}
		double var = 0;
		double max = 0;
		for (int i = 0; i < want.length; i++) {
			var += (want[i] - mean) * (want[i] - mean) / want.length;
			max = Math.max(max, Math.abs(want[i] - got[i]));
		}
		double relative = max / Math.sqrt(var);
		System.out.printf("%s: largest difference %.3g, %.3g of the reference's standard deviation%n", what, max, relative);
		assertTrue(relative <= bound, what + ": the largest difference is " + relative + " of the reference's standard deviation, over " + bound);
		return relative;
	}

	/** F32 weights agree to float rounding; F16 weights are rounded to 11 bits, which moves outputs by about 1e-3. */
	private static double bound(Stored s) {
		return s == Stored.F32 ? 1e-4 : 2e-2;
	}

	@ParameterizedTest
	@CsvSource({ "F32", "F16" })
	void textEncoderHiddenStatesEqualTransformersClip(Stored s) throws IOException {
		assertClose(floats("text_hidden.f32"), networks.get(s).encodeText(ids()), bound(s), "text encoder (" + s + ")");
	}

	@ParameterizedTest
	@CsvSource({ "F32", "F16" })
	void unetPredictionEqualsDiffusersUNet2DConditionModel(Stored s) throws IOException {
		int[] latent = latentShape();
		float[] got = networks.get(s).predict(floats("unet_sample.f32"), latent[1], latent[2], reference.get("unet_timestep").getAsFloat(),
				floats("text_hidden.f32"));
		assertClose(floats("unet_out.f32"), got, bound(s), "UNet (" + s + ")");
	}

	@ParameterizedTest
	@CsvSource({ "F32", "F16" })
	void vaeDecodeEqualsDiffusersAutoencoderKL(Stored s) throws IOException {
		int[] latent = latentShape();
		float[] got = networks.get(s).decode(floats("vae_latent.f32"), latent[1], latent[2]);
		assertClose(floats("vae_image.f32"), got, bound(s), "VAE decoder (" + s + ")");
	}

	@ParameterizedTest
	@CsvSource({ "F32", "F16" })
	void vaeEncoderMomentsEqualDiffusersAutoencoderKL(Stored s) throws IOException {
		int[] image = reference.getAsJsonArray("image").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
		float[] got = networks.get(s).encodeImage(floats("vae_encoder_image.f32"), image[1], image[2]);
		assertClose(floats("vae_moments.f32"), got, bound(s), "VAE encoder (" + s + ")");
	}

	private static int[] latentShape() {
		return reference.getAsJsonArray("latent").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
	}

	@Test
	void theEngineTakesTheCheckpointsSizesFromItsConfiguration() {
		DiffusionNetworks n = networks.get(Stored.F32);
		assertArrayEquals(new int[] { 77, 128, 4, 8 }, new int[] { n.textLength(), n.contextWidth(), n.latentChannels(), n.vaeScale() });
	}

	@Test
	void aLatentWhoseSidesDoNotHalveAtEveryLevelIsRefusedBeforeItRuns() {
		DiffusionNetworks n = networks.get(Stored.F32);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> n.predict(new float[4 * 6 * 6], 6, 6, 1, new float[77 * 128]));
		assertEquals("this UNet halves the latent 2 times; 6×6 is not a multiple of 4", e.getMessage());
	}
}
