package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.internal.trace.Settings;

class PathTracesTest {

	@Test
	void aNewPreviewCancelsTheOneBeforeAndPassesArriveInOrder() throws Exception {
		Scene scene = BuiltinScenes.spheres();
		try (PathTraces traces = new PathTraces()) {
			PathTraces.Request slow = new PathTraces.Request(scene, Camera.viewOf(scene), 64, 48, Settings.defaults().withSpp(100_000).withThreads(1), RenderBackend.cpu());
			CompletableFuture<RenderResult> first = traces.preview(slow, (p, mean) -> {
			});
			CopyOnWriteArrayList<Integer> samples = new CopyOnWriteArrayList<>();
			PathTraces.Request quick = new PathTraces.Request(scene, Camera.viewOf(scene), 32, 24, Settings.defaults().withSpp(3).withMaxBounces(2), RenderBackend.cpu());
			CompletableFuture<RenderResult> second = traces.preview(quick, (Progress p, dev.atelier.viewport.internal.trace.Image mean) -> {
				assertEquals(32, mean.width());
				samples.add(p.samples());
			});
			RenderResult r = second.get(60, TimeUnit.SECONDS);
			assertTrue(first.isCancelled(), "the first preview was superseded");
			assertEquals(3, r.progress().samples());
			assertEquals(java.util.List.of(1, 2, 3), samples);
			assertTrue(traces.flatten(scene) == traces.flatten(scene), "the flattened scene is kept");
		}
	}
}
