package dev.atelier.viewport.internal.trace;

import java.util.function.BooleanSupplier;

import dev.atelier.viewport.scene.Camera;

/** {@link RenderBackend#cpu()}: the {@link Renderer}. */
enum CpuBackend implements RenderBackend {
	INSTANCE;

	@Override
	public String device() {
		return "cpu";
	}

	@Override
	public RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled) {
		return Renderer.render(scene, camera, width, height, settings, listener, cancelled);
	}
}
