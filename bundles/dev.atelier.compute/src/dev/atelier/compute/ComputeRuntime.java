package dev.atelier.compute;

import dev.atelier.device.ComputeContext;
import dev.atelier.compute.internal.cuda.CudaCompute;
import dev.atelier.device.Device;

/**
 * The one compute runtime that Atelier's engines share (the LLM, the Stable Diffusion engine), as ggml serves both
 * llama.cpp and stable-diffusion.cpp. A DS service.
 */
public interface ComputeRuntime {

	/**
	 * Compute on a context's device, allocating under its lease: CUDA kernels on a GPU, the CPU backend on the CPU
	 * and on simulated cards (whose memory the lease counts while the host holds it). {@code cpuThreads} is how many
	 * threads the CPU backend uses. Closing the compute leaves the context open.
	 *
	 * @throws UnsupportedOperationException naming the device and the reason where its GPU cannot run Atelier's
	 *                                       kernels (a driver older than 580, a GPU older than Turing)
	 */
	Compute open(ComputeContext context, int cpuThreads);

	/**
	 * Bytes a compute on {@code device} allocates beside its tensors (converted activations, dequantised weight slices,
	 * a cuBLAS workspace, attention partials) when its matmuls take at most {@code batchRows} rows of at most
	 * {@code maxCols} values: what a lease must hold beyond the tensors. 0 on the CPU; a simulated card books what a
	 * CUDA GPU would ({@link #gpuWorkspaceBytes}), though its CPU backend does not allocate it.
	 */
	long workspaceBytes(Device device, int batchRows, int maxCols);

	/** {@link #workspaceBytes} of a GPU, for estimates made before a device is chosen (the planner's). */
	static long gpuWorkspaceBytes(int batchRows, int maxCols) {
		return CudaCompute.workspaceBytes(batchRows, maxCols);
	}

	/**
	 * What {@link #open} would run on a device, e.g. {@code Atelier kernels + cuBLAS 13.0 (/usr/lib/…)} or
	 * {@code Atelier kernels (no cuBLAS found: …)}, for {@code atelier devices}.
	 */
	String describe(Device device);
}
