package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.exec.Tensor;
import dev.atelier.diffusion.internal.ort.OrtExecutor;

/** Loading the pipeline folder: what it checks, and the reference outputs of the fixture's graphs. */
class DiffusionModelTest {

	@TempDir
	Path dir;

	private static String openError(Path folder) {
		return assertThrows(IOException.class, () -> DiffusionModel.open(folder, new OrtExecutor(), Placement.cpu(1)).close()).getMessage();
	}

	@Test
	void theFixtureLoadsWithItsOwnTokenizerAndScheduler() throws IOException {
		try (DiffusionModel m = Fixture.open()) {
			assertEquals("tiny-sd", m.name());
			assertEquals(4, m.latentChannels());
			assertEquals(0.18215, m.scalingFactor());
			assertEquals(812, m.tokenizer().start());
			assertEquals(813, m.tokenizer().end());
			assertEquals(10, m.hash().length());
			assertTrue(m.weightBytes() > 2_000_000);
		}
	}

	@Test
	void aMissingFolderOrIndexIsNamed() throws IOException {
		Path none = dir.resolve("none");
		assertTrue(openError(none).startsWith(none + ": not a model folder"));
		Path copy = Fixture.copy(dir);
		Files.delete(copy.resolve("model_index.json"));
		assertTrue(openError(copy).startsWith(copy.resolve("model_index.json") + ": missing"));
		Files.writeString(copy.resolve("model_index.json"), "{ not json");
		assertTrue(openError(copy).startsWith(copy.resolve("model_index.json") + ": not valid JSON"));
	}

	@Test
	void aMissingOrCorruptGraphIsNamed() throws IOException {
		Path copy = Fixture.copy(dir);
		Files.delete(copy.resolve("unet/model.onnx"));
		assertEquals(copy.resolve("unet/model.onnx") + ": missing (the pipeline needs unet/model.onnx)", openError(copy));
		Files.write(copy.resolve("unet/model.onnx"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
		String corrupt = openError(copy);
		assertTrue(corrupt.startsWith(copy.resolve("unet/model.onnx") + ": ONNX Runtime cannot load it"), corrupt);
	}

	@Test
	void missingExternalWeightsAreAnError() throws IOException {
		Path copy = Fixture.copy(dir);
		Files.delete(copy.resolve("unet/weights.pb"));
		String message = openError(copy);
		assertTrue(message.startsWith(copy.resolve("unet/model.onnx") + ": ONNX Runtime cannot load it"), message);
	}

	@Test
	void wrongInputNamesAndShapesAreNamed() throws IOException {
		Path copy = Fixture.copy(dir);
		// a text encoder where the VAE decoder should be: no latent_sample input
		Files.copy(copy.resolve("text_encoder/model.onnx"), copy.resolve("vae_decoder/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
		String message = openError(copy);
		assertTrue(message.startsWith(copy.resolve("vae_decoder/model.onnx") + ": no input named 'latent_sample'; it has [input_ids: int32[?,77]]"), message);
		Path other = Fixture.copy(dir.resolve("b"));
		// the UNet in the text encoder's place: input_ids missing
		Files.copy(other.resolve("vae_encoder/model.onnx"), other.resolve("text_encoder/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
		message = openError(other);
		assertTrue(message.startsWith(other.resolve("text_encoder/model.onnx") + ": no input named 'input_ids'"), message);
	}

	/** data/bad-graphs was written by releng/diffusion/make_bad_graphs.py. */
	@Test
	void anInputOfTheWrongTypeOrShapeIsNamed() throws IOException {
		Path copy = Fixture.copy(dir);
		Path encoder = copy.resolve("text_encoder/model.onnx");
		Files.copy(Path.of("data/bad-graphs/text-encoder-float-ids.onnx"), encoder, StandardCopyOption.REPLACE_EXISTING);
		assertEquals(encoder + ": input input_ids: float32[?,77] does not fit: the pipeline needs int32 or int64 of rank 2", openError(copy));
		Files.copy(Path.of("data/bad-graphs/text-encoder-64-tokens.onnx"), encoder, StandardCopyOption.REPLACE_EXISTING);
		assertEquals(encoder + ": input 'input_ids' takes 64 tokens; the CLIP tokenizer gives 77", openError(copy));
	}

	@Test
	void aBrokenTokenizerOrSchedulerConfigIsNamed() throws IOException {
		Path copy = Fixture.copy(dir);
		Files.delete(copy.resolve("tokenizer/merges.txt"));
		assertTrue(openError(copy).startsWith(copy.resolve("tokenizer/merges.txt") + ": missing"));
		Path other = Fixture.copy(dir.resolve("b"));
		Files.writeString(other.resolve("scheduler/scheduler_config.json"), "{\"beta_schedule\": \"wavy\"}");
		String message = openError(other);
		assertTrue(message.contains(other.resolve("scheduler/scheduler_config.json").toString()) && message.contains("beta_schedule"), message);
	}

	/** Found by fuzzing (docs/fuzzing.md): the schedule's error came at generation time without naming the file. */
	@Test
	void aSchedulerConfigThatCannotGiveTheStepsIsNamedWithTheStepCount() throws IOException {
		Path copy = Fixture.copy(dir);
		Path config = copy.resolve("scheduler/scheduler_config.json");
		Files.writeString(config, "{\"num_train_timesteps\": 100, \"steps_offset\": 5, \"timestep_spacing\": \"leading\"}");
		try (DiffusionModel model = DiffusionModel.open(copy, new OrtExecutor(), Placement.cpu(1))) {
			model.scheduler(Sampler.DDIM, 10);
			String message = assertThrows(IllegalArgumentException.class, () -> model.scheduler(Sampler.DDIM, 25)).getMessage();
			assertEquals(config + ": DDIM timestep 101 (steps_offset 5) is outside the 100 training timesteps at 25 steps", message);
		}
	}

	@Test
	void aTokenizerFolderPadsWithItsOwnPadTokenAsStableDiffusion2Does() throws IOException {
		Path copy = Fixture.copy(dir);
		Path tokenizer = copy.resolve("tokenizer");
		int[] endPadded = ClipTokenizer.fromFolder(tokenizer).encode("a horse");
		assertEquals(813, endPadded[76]);
		Files.writeString(tokenizer.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"!\", \"lstrip\": false}}");
		int[] ids = ClipTokenizer.fromFolder(tokenizer).encode("a horse");
		assertEquals(0, ids[76], "'!' is the first byte character: id 0");
		int endAt = java.util.Arrays.stream(endPadded).boxed().toList().indexOf(813);
		assertEquals(813, ids[endAt], "the end token stays");
		assertEquals(0, ids[endAt + 1]);
		Files.writeString(tokenizer.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\"}");
		assertEquals(tokenizer.resolve("special_tokens_map.json") + ": pad_token '<pad>' is not in the vocabulary",
				assertThrows(IOException.class, () -> ClipTokenizer.fromFolder(tokenizer)).getMessage());
	}

	/** Found by fuzzing (docs/fuzzing.md): an array there failed in Gson's getAsString with an IllegalStateException. */
	@Test
	void aClassNameThatIsNotAStringIsRefusedNamingTheIndex() throws IOException {
		Path copy = Fixture.copy(dir);
		Files.writeString(copy.resolve("model_index.json"), "{\"_class_name\": [\"a\", \"b\"]}");
		assertEquals(copy.resolve("model_index.json") + ": _class_name is [\"a\",\"b\"], not the pipeline class's name", openError(copy));
	}

	@Test
	void sdxlIsRefusedByName() throws IOException {
		Path copy = Fixture.copy(dir);
		Files.writeString(copy.resolve("model_index.json"), "{\"_class_name\": \"ORTStableDiffusionXLPipeline\"}");
		assertTrue(openError(copy).contains("SDXL"));
	}

	@Test
	void sizesNotMultiplesOfEightAndBadParametersAreRefusedByName() {
		assertEquals("width 500 is not a multiple of 8 (the VAE works on 8×8 pixel blocks); try 496",
				assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("x", 1).withSize(500, 512)).getMessage());
		assertEquals("height 30 is not a multiple of 8 (the VAE works on 8×8 pixel blocks); try 64",
				assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("x", 1).withSize(512, 30)).getMessage());
		assertEquals("batch must be in 1..64, not 0", assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("x", 1).withBatch(0)).getMessage());
		assertEquals("steps must be in 1..1000, not 0", assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("x", 1).withSteps(0)).getMessage());
		assertEquals("strength must be in (0, 1], not 1.5",
				assertThrows(IllegalArgumentException.class, () -> GenerationRequest.of("x", 1).withInit(Path.of("a.png"), 1.5)).getMessage());
	}

	/**
	 * ONNX Runtime on the CPU is the reference a second executor will be checked against; here it is itself checked
	 * against the torch modules the fixture was exported from (fixture/tiny-sd/reference.json).
	 */
	@Test
	void eachGraphReproducesTheTorchReferenceOutputs() throws IOException {
		JsonObject ref = JsonParser.parseString(Files.readString(Fixture.TINY.resolve("reference.json"))).getAsJsonObject();
		try (DiffusionModel m = Fixture.open()) {
			JsonObject tok = ref.getAsJsonObject("tokenizer").getAsJsonObject("examples");
			for (String prompt : tok.keySet()) {
				assertArrayEquals(ints(tok.getAsJsonArray(prompt)), m.tokenizer().encode(prompt), prompt);
			}
			JsonArray ids = ref.getAsJsonObject("text_encoder").getAsJsonObject("inputs").getAsJsonArray("input_ids");
			int[] flat = new int[ids.size() * 77];
			for (int i = 0; i < ids.size(); i++) {
				System.arraycopy(ints(ids.get(i).getAsJsonArray()), 0, flat, i * 77, 77);
			}
			check(ref, "text_encoder", m.textEncoder().run(Map.of("input_ids", Tensor.ofInts(flat, ids.size(), 77)), Set.of("last_hidden_state")));
			JsonObject unet = ref.getAsJsonObject("unet").getAsJsonObject("inputs");
			check(ref, "unet", m.unet().run(Map.of("sample", formula(unet.get("sample")), "encoder_hidden_states", formula(unet.get("encoder_hidden_states")),
					"timestep", Tensor.of(new float[] { unet.getAsJsonArray("timestep").get(0).getAsFloat() }, 1)), Set.of("out_sample")));
			check(ref, "vae_decoder", m.vaeDecoder().run(Map.of("latent_sample", formula(ref.getAsJsonObject("vae_decoder").getAsJsonObject("inputs").get("latent_sample"))),
					Set.of("sample")));
			check(ref, "vae_encoder", m.vaeEncoder().run(Map.of("sample", formula(ref.getAsJsonObject("vae_encoder").getAsJsonObject("inputs").get("sample"))),
					Set.of("latent_sample")));
		}
	}

	private static int[] ints(JsonArray a) {
		return a.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
	}

	/** x[i] = a·sin(0.731·i + p), computed in double and rounded to float, as the generator wrote it. */
	private static Tensor formula(JsonElement spec) {
		JsonObject o = spec.getAsJsonObject();
		long[] shape = o.getAsJsonArray("formula").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
		int n = (int) java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
		double a = o.get("amplitude").getAsDouble();
		double p = o.get("phase").getAsDouble();
		float[] x = new float[n];
		for (int i = 0; i < n; i++) {
			x[i] = (float) (a * Math.sin(0.731 * i + p));
		}
		return Tensor.of(x, shape);
	}

	private static void check(JsonObject ref, String graph, Map<String, Tensor> outputs) {
		JsonObject expected = ref.getAsJsonObject(graph).getAsJsonObject("outputs");
		for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
			JsonObject want = expected.getAsJsonObject(e.getKey());
			float[] got = e.getValue().floats();
			assertArrayEquals(want.getAsJsonArray("shape").asList().stream().mapToLong(JsonElement::getAsLong).toArray(), e.getValue().shape(), graph);
			double sum = 0;
			double abs = 0;
			for (float v : got) {
				sum += v;
				abs += Math.abs(v);
			}
			String where = graph + "/" + e.getKey();
			assertEquals(want.get("mean").getAsDouble(), sum / got.length, 1e-4 + 1e-4 * Math.abs(want.get("mean").getAsDouble()), where + " mean");
			assertEquals(want.get("abs_sum").getAsDouble(), abs, 1e-4 * want.get("abs_sum").getAsDouble(), where + " sum of |x|");
			JsonArray first = want.getAsJsonArray("first");
			for (int i = 0; i < first.size(); i++) {
				assertEquals(first.get(i).getAsDouble(), got[i], 1e-4 * Math.max(1, Math.abs(first.get(i).getAsDouble())), where + " value " + i);
			}
		}
	}
}
