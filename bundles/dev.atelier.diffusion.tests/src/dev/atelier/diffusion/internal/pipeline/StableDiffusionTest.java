package dev.atelier.diffusion.internal.pipeline;

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.Infotext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.Sampler;

/** End to end on the tiny fixture with ONNX Runtime's CPU provider. */
class StableDiffusionTest {

	private static DiffusionModel model;
	private static StableDiffusion sd;

	@TempDir
	Path dir;

	@BeforeAll
	static void load() throws IOException {
		model = Fixture.open();
		sd = new StableDiffusion(model);
	}

	@AfterAll
	static void close() {
		model.close();
	}

	private static GenerationRequest request(long seed) {
		return new GenerationRequest("a photograph of an astronaut riding a horse", "blurry", Sampler.EULER_A, 6, 7.5, seed, 64, 96, 1, null, 0.6);
	}

	private static int[] pixels(RgbImage image) {
		return image.pixels();
	}

	private static byte[] png(GeneratedImage image) throws IOException {
		return PngInfo.encode(image.image(), Map.of(Infotext.CHUNK, image.infotext().text()));
	}

	@Test
	void theSameSeedAndParametersGiveTheSamePngBytes() throws IOException {
		byte[] first = png(sd.generate(request(42), GenerationListener.NONE, () -> false).getFirst());
		byte[] again = png(sd.generate(request(42), GenerationListener.NONE, () -> false).getFirst());
		assertArrayEquals(first, again);
		byte[] other = png(sd.generate(request(43), GenerationListener.NONE, () -> false).getFirst());
		assertFalse(java.util.Arrays.equals(first, other), "another seed gives another image");
	}

	@Test
	void imageIOfABatchIsTheSingleImageOfSeedPlusI() throws IOException {
		List<GeneratedImage> batch = sd.generate(request(7).withBatch(3), GenerationListener.NONE, () -> false);
		assertEquals(3, batch.size());
		for (int i = 0; i < 3; i++) {
			GeneratedImage single = sd.generate(request(7 + i), GenerationListener.NONE, () -> false).getFirst();
			assertEquals(7 + i, batch.get(i).seed());
			assertArrayEquals(pixels(single.image()), pixels(batch.get(i).image()), "image " + i + " of the batch, bit for bit");
			assertEquals(single.infotext(), batch.get(i).infotext());
		}
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void everySamplerMakesAnImageOfTheRequestedSize(Sampler sampler) throws IOException {
		RgbImage image = sd.generate(request(1).withSampler(sampler).withSize(96, 64), GenerationListener.NONE, () -> false).getFirst().image();
		assertEquals(96, image.width());
		assertEquals(64, image.height());
		int[] p = pixels(image);
		assertTrue(java.util.Arrays.stream(p).distinct().count() > 100, sampler + " made a flat image: the latents blew up or vanished");
	}

	@Test
	void everyStepReportsProgressWithAPreviewPerImage() throws IOException {
		List<Integer> steps = new ArrayList<>();
		sd.generate(request(3).withBatch(2), new GenerationListener() {
			@Override
			public void step(int step, int total, List<RgbImage> previews) {
				steps.add(step);
				assertEquals(6, total);
				assertEquals(2, previews.size());
				assertEquals(64 / 8, previews.getFirst().width());
				assertEquals(96 / 8, previews.getFirst().height());
			}
		}, () -> false);
		assertEquals(List.of(1, 2, 3, 4, 5, 6), steps);
	}

	@Test
	void cancellingStopsBetweenSteps() {
		AtomicInteger seen = new AtomicInteger();
		assertThrows(JobCancelledException.class, () -> sd.generate(request(5).withSteps(20), new GenerationListener() {
			@Override
			public void step(int step, int total, List<RgbImage> previews) {
				seen.set(step);
			}
		}, () -> seen.get() >= 2));
		assertEquals(2, seen.get(), "no step after the cancellation was noticed");
	}

	@Test
	void img2imgStartsFromTheInitImageAndRunsStrengthTimesTheSteps() throws IOException {
		RgbImage init = sd.generate(request(11), GenerationListener.NONE, () -> false).getFirst().image();
		Path file = dir.resolve("init.png");
		Files.write(file, PngInfo.encode(init, Map.of()));
		List<Integer> steps = new ArrayList<>();
		GenerationRequest r = request(12).withSteps(10).withInit(file, 0.3);
		GeneratedImage out = sd.generate(r, new GenerationListener() {
			@Override
			public void step(int step, int total, List<RgbImage> previews) {
				steps.add(total);
			}
		}, () -> false).getFirst();
		assertEquals(3, steps.size(), "strength 0.3 of 10 steps runs the last 3");
		assertEquals("0.3", out.infotext().settings().get("Denoising strength"));
		// a low strength keeps the init image closer than a txt2img image with the same seed
		RgbImage fresh = sd.generate(request(12).withSteps(10), GenerationListener.NONE, () -> false).getFirst().image();
		assertTrue(distance(init, out.image()) < distance(init, fresh), "img2img at strength 0.3 stays near its init image");
		GenerationRequest batch = r.withBatch(2);
		List<GeneratedImage> two = sd.generate(batch, GenerationListener.NONE, () -> false);
		assertArrayEquals(pixels(out.image()), pixels(two.getFirst().image()), "img2img batch equivalence");
		assertNotEquals(two.get(0).seed(), two.get(1).seed());
	}

	private static double distance(RgbImage a, RgbImage b) {
		double sum = 0;
		int[] pa = pixels(a);
		int[] pb = pixels(b);
		for (int i = 0; i < pa.length; i++) {
			for (int s = 0; s < 24; s += 8) {
				sum += Math.abs(((pa[i] >> s) & 0xff) - ((pb[i] >> s) & 0xff));
			}
		}
		return sum;
	}

	@Test
	void anInitImageThatIsNotAnImageIsNamed() throws IOException {
		Path bad = Files.writeString(dir.resolve("init.png"), "garbage");
		IOException e = assertThrows(IOException.class, () -> sd.generate(request(1).withInit(bad, 0.5), GenerationListener.NONE, () -> false));
		assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
		Path missing = dir.resolve("nope.png");
		assertEquals(missing + ": no such image",
				assertThrows(IOException.class, () -> sd.generate(request(1).withInit(missing, 0.5), GenerationListener.NONE, () -> false)).getMessage());
	}

	@Test
	void aPromptOverAnOnnxUNetsFixedSequenceIsCutWithAWarning() throws IOException {
		List<String> warnings = new ArrayList<>();
		GenerationRequest r = new GenerationRequest("horse ".repeat(100), "", Sampler.EULER, 2, 7, 1, 64, 64, 1, null, 0.6);
		sd.generate(r, new GenerationListener() {
			@Override
			public void warning(String message) {
				warnings.add(message);
			}
		}, () -> false);
		int over = model.tokenizer().tokens(r.prompt()).size() - 75;
		assertTrue(over > 0);
		assertEquals(List.of("the prompt is " + over + " token(s) over this model's limit of 75; they were dropped"), warnings);
	}

	@Test
	void aVPredictionPipelineRunsEverySampler() throws IOException {
		Path copy = Fixture.copy(dir);
		Path config = copy.resolve("scheduler/scheduler_config.json");
		Files.writeString(config, Files.readString(config).replace("\"clip_sample\"", "\"prediction_type\": \"v_prediction\", \"clip_sample\""));
		try (DiffusionModel v = DiffusionModel.open(copy, new dev.atelier.diffusion.internal.ort.OrtExecutor(), dev.atelier.diffusion.exec.Placement.cpu(2))) {
			assertEquals("v_prediction", v.schedulerConfig().predictionType());
			StableDiffusion vsd = new StableDiffusion(v);
			for (Sampler sampler : Sampler.values()) {
				int[] p = pixels(vsd.generate(request(2).withSampler(sampler), GenerationListener.NONE, () -> false).getFirst().image());
				assertTrue(java.util.Arrays.stream(p).distinct().count() > 100, sampler + " with v-prediction made a flat image");
			}
		}
	}

	@Test
	void guidanceOffGeneratesAndTimesItsSteps() throws IOException {
		GenerationRequest r = new GenerationRequest("a horse", "", Sampler.DDIM, 3, 1.0, 9, 64, 64, 1, null, 0.6);
		assertFalse(r.guided());
		assertEquals(64, sd.generate(r, GenerationListener.NONE, () -> false).getFirst().image().width());
		assertTrue(sd.lastTimings().unet().toNanos() > 0);
		assertEquals(3, sd.lastTimings().steps());
	}
}
