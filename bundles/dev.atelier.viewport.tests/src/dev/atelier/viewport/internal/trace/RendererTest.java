package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.testing.ManualClock;

class RendererTest {

	private static FlatScene scene;
	private static Camera camera;

	@BeforeAll
	static void flatten() {
		Scene box = BuiltinScenes.cornellBox();
		scene = FlatScene.of(box);
		camera = box.cameras().get(0);
	}

	@Test
	void theListenerHearsEveryPassWithTheCurrentMean() {
		List<Progress> passes = new ArrayList<>();
		List<Double> means = new ArrayList<>();
		RenderResult result = Renderer.render(scene, camera, 16, 12, Settings.defaults().withSpp(5), (progress, film) -> {
			passes.add(progress);
			means.add(film.mean().average());
			assertEquals(progress.samples(), film.samples());
		}, () -> false);
		assertEquals(5, passes.size());
		for (int i = 0; i < 5; i++) {
			Progress p = passes.get(i);
			assertEquals(i + 1, p.samples());
			assertEquals(5, p.targetSamples());
			assertEquals((i + 1) * 16L * 12, p.primaryRays(), "one camera ray per pixel per pass");
			assertTrue(p.totalRays() > 2 * p.primaryRays(), "bounce and shadow rays counted too");
			assertTrue(i == 0 || p.elapsedNanos() >= passes.get(i - 1).elapsedNanos());
			assertTrue(means.get(i) > 0);
		}
		assertEquals(RenderResult.Stop.SAMPLES, result.stop());
		assertEquals(passes.get(4), result.progress());
		assertEquals(means.get(4), result.color().average(), 1e-6, "the last pass's mean is the result");
		assertNull(result.denoised(), "not asked to denoise");
		assertTrue(result.progress().mraysPerSecond() > 0);
	}

	@Test
	void cancellingStopsBetweenPassesWithTheSamplesDone() {
		AtomicInteger heard = new AtomicInteger();
		RenderResult result = Renderer.render(scene, camera, 16, 16, Settings.defaults().withSpp(1000), (progress, film) -> heard.incrementAndGet(),
				() -> heard.get() >= 3);
		assertEquals(RenderResult.Stop.CANCELLED, result.stop());
		assertEquals(3, result.progress().samples());
		assertTrue(result.color().average() > 0, "the three passes are kept");
	}

	@Test
	void cancelledBeforeTheFirstPassGivesABlackImage() {
		RenderResult result = Renderer.render(scene, camera, 8, 8, Settings.defaults().withSpp(10), ProgressListener.NONE, () -> true);
		assertEquals(RenderResult.Stop.CANCELLED, result.stop());
		assertEquals(0, result.progress().samples());
		assertEquals(0, result.color().average());
	}

	/** The time limit is checked after each pass: the render ends with the pass that crosses it. */
	@Test
	void theTimeLimitStopsAfterThePassThatCrossesIt() {
		List<Long> elapsed = new ArrayList<>();
		Settings settings = Settings.defaults().withSpp(1_000_000).withTimeLimit(Duration.ofMillis(300));
		ManualClock clock = new ManualClock();
		// each pass takes 100 ms by this clock: the fourth ends at 300 ms, on the limit
		RenderResult result = Renderer.render(scene, camera, 32, 32, settings, (progress, film) -> {
			elapsed.add(progress.elapsedNanos());
			clock.advance(Duration.ofMillis(100));
		}, () -> false, clock);
		assertEquals(RenderResult.Stop.TIME_LIMIT, result.stop());
		assertEquals(List.of(0L, 100_000_000L, 200_000_000L, 300_000_000L), elapsed, "no pass after the one that reached the limit");
		assertEquals(4, result.progress().samples());
	}

	@Test
	void settingsRefuseImpossibleValues() {
		assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withSpp(0));
		assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withMaxBounces(-1));
		assertThrows(IllegalArgumentException.class, () -> Settings.defaults().withTimeLimit(Duration.ofSeconds(-1)));
		assertThrows(IllegalArgumentException.class,
				() -> Renderer.render(scene, camera, 0, 10, Settings.defaults(), ProgressListener.NONE, () -> false));
	}
}
