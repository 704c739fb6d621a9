package dev.atelier.viewport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.testing.devices.Estimates;

/** Scene estimates and their specs. */
class SceneEstimatorTest {

	private static final Estimates ESTIMATES = Estimates.of(new SceneEstimator());

	@Test
	void specsParseWithUnits() {
		assertEquals("scene:tris=30000000:tex=4000000000", ESTIMATES.parse("scene:tris=30M:tex=4GB").spec());
		assertEquals(4L << 30, ((SceneWorkload) ESTIMATES.parse("scene:tex=4GiB")).textureBytes());
		assertEquals(8.53, ESTIMATES.gb("scene:tris=30M:tex=4GB"), 0.01, "30M × 100 B + 4 GB × 4/3 + 0.2 GB");
		assertEquals(List.of(new SceneWorkload(1000, 1000, true)), new SceneWorkload(1000, 1000, false).cheaper(), "BC7 is the cheaper variant");
		assertTrue(new SceneEstimator().parse("llm:7b:f16").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("scene:tris=lots")).getMessage()
				.contains("'lots' is not a number"));
	}
}
