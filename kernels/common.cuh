// Helpers shared by Atelier's kernels.
#pragma once

__device__ __forceinline__ long global_thread() {
	return blockIdx.x * (long) blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long grid_threads() {
	return (long) gridDim.x * blockDim.x;
}
