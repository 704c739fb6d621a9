package dev.atelier.diffusion.internal.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.internal.pipeline.StableDiffusion;

/**
 * The canny preprocessor against OpenCV 4.6's cv2.Canny on the same RGB images (releng/diffusion/make_canny_reference.py:
 * a generated image and a noisy synthetic one, AUTOMATIC1111's thresholds 100/200 and 50/120).
 */
class CannyTest {

	private static final Path FIXTURE = Path.of("fixture/canny").toAbsolutePath();

	@ParameterizedTest
	@CsvSource({ "pipeline, 100, 200", "pipeline, 50, 120", "shapes, 100, 200", "shapes, 50, 120" })
	void edgesEqualOpenCvCanny(String image, int low, int high) throws IOException {
		RgbImage got = Canny.edges(StableDiffusion.readImage(FIXTURE.resolve(image + ".png")), low, high);
		RgbImage want = StableDiffusion.readImage(FIXTURE.resolve(image + "-" + low + "-" + high + ".png"));
		int edges = 0;
		int differ = 0;
		for (int i = 0; i < want.pixels().length; i++) {
			boolean w = (want.pixels()[i] & 0xFF) > 127;
			boolean g = (got.pixels()[i] & 0xFF) > 127;
			edges += w ? 1 : 0;
			differ += w != g ? 1 : 0;
		}
		assertTrue(edges > 100, "the reference has edges to compare: " + edges);
		assertEquals(0, differ, differ + " of " + want.pixels().length + " pixels differ from OpenCV's edge map (" + edges + " edge pixels)");
	}

	@Test
	void aFlatImageHasNoEdgesAndAStepHasOneLineOfThem() {
		RgbImage step = new RgbImage(16, 8);
		for (int y = 0; y < 8; y++) {
			for (int x = 8; x < 16; x++) {
				step.setRgb(x, y, 0xFFFFFF);
			}
		}
		RgbImage edges = Canny.edges(step, 100, 200);
		for (int y = 0; y < 8; y++) {
			for (int x = 0; x < 16; x++) {
				// the L1 magnitude peaks (4·255 on both sides of the step); suppression keeps the left one (strictly greater than the left neighbour)
				assertEquals(x == 7 ? 0xFFFFFF : 0, edges.rgb(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
			}
		}
		RgbImage flat = new RgbImage(8, 8);
		Arrays.fill(flat.pixels(), 0x808080);
		assertTrue(Arrays.stream(Canny.edges(flat, 0, 0).pixels()).allMatch(p -> (p & 0xFFFFFF) == 0), "a flat image has no edges");
	}

	@Test
	void thresholdsOutOfOrderAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> Canny.edges(new RgbImage(8, 8), 200, 100));
	}
}
