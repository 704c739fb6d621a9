package dev.atelier.viewport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/** Scene estimates and their specs. */
class SceneEstimatorTest {

	private static final List<WorkloadEstimator> ESTIMATORS = List.of(new SceneEstimator());

	@Test
	void specsParseWithUnits() {
		assertEquals("scene:tris=30000000:tex=4000000000", Workloads.parse("scene:tris=30M:tex=4GB", ESTIMATORS).spec());
		assertEquals(4L << 30, ((SceneWorkload) Workloads.parse("scene:tex=4GiB", ESTIMATORS)).textureBytes());
		assertEquals(8.53, Workloads.parse("scene:tris=30M:tex=4GB", ESTIMATORS).bytes() / 1e9, 0.01, "30M × 100 B + 4 GB × 4/3 + 0.2 GB");
		assertEquals(List.of(new SceneWorkload(1000, 1000, true)), new SceneWorkload(1000, 1000, false).cheaper(), "BC7 is the cheaper variant");
		assertTrue(new SceneEstimator().parse("llm:7b:f16").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("scene:tris=lots", ESTIMATORS)).getMessage()
				.contains("'lots' is not a number"));
	}
}
