package dev.atelier.viewport.internal.trace;

import java.util.List;
import java.util.function.BooleanSupplier;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.scene.Camera;

/**
 * Where a progressive render runs: on the CPU's cores ({@link Renderer}) or on a CUDA GPU ({@link CudaRenderer}).
 * Both trace the same integrator over the same {@link FlatScene} with the same random streams, take the same
 * {@link Settings}, tell the listener after passes and return the same kind of {@link RenderResult}.
 */
public interface RenderBackend {

	/** {@code cpu}, or the GPU's device id ({@code cuda:0}). */
	String device();

	/** Renders an already flattened scene; see {@link Renderer#render(FlatScene, Camera, int, int, Settings, ProgressListener, BooleanSupplier)}. */
	RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener, BooleanSupplier cancelled);

	/** The CPU path tracer, on {@link Settings#threads()} threads. */
	static RenderBackend cpu() {
		return CpuBackend.INSTANCE;
	}

	/**
	 * The backend a name asks for: {@code cpu}; {@code cuda}, the first CUDA device that can run Atelier's kernels;
	 * or the id of a CUDA device that the device service lists, such as {@code cuda:1}.
	 *
	 * @throws IllegalStateException "no CUDA device …" when none (or not the one named) can run the path tracer
	 */
	static RenderBackend named(String name, DeviceService devices) {
		if (name.equals("cpu")) {
			return cpu();
		}
		return CudaRenderer.on(devices, name.equals("cuda") ? null : name);
	}

	/**
	 * The backend for the devices a {@code --devices} list chose ({@link DeviceService#resolveAll}): one device as
	 * {@link #named} takes it; several, one render split over them ({@link SplitRenderer}).
	 *
	 * @throws IllegalStateException "no CUDA device …" when a GPU among them cannot run the path tracer
	 */
	static RenderBackend over(List<Device> chosen, DeviceService devices) {
		return chosen.size() == 1 ? named(chosen.getFirst().id(), devices) : SplitRenderer.over(devices, chosen);
	}
}
