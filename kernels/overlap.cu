// Kernels for the stream benchmarks.
#include "common.cuh"

// `iters` dependent multiply-adds per element: arithmetic-bound, so a chunk's compute time can be set to match
// its copy time when copies and kernels on several streams overlap.
extern "C" __global__ void fma_chain(float* __restrict__ data, long n, int iters) {
	for (long i = global_thread(); i < n; i += grid_threads()) {
		float x = data[i];
		for (int k = 0; k < iters; k++) {
			x = fmaf(x, 0.999f, 0.001f);
		}
		data[i] = x;
	}
}

// Does nothing: its launches measure the launch path alone.
extern "C" __global__ void noop() {
}
