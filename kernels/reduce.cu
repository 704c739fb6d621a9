// Sum of n floats into *out (which the caller zeroes): float4 loads in a grid-stride loop, a warp-shuffle tree
// in each warp, the warps' sums through shared memory, one atomicAdd per block. n4 = n / 4; the caller adds a
// tail of up to three floats.
#include "common.cuh"

__device__ __forceinline__ float warp_sum(float v) {
	for (int offset = 16; offset > 0; offset >>= 1) {
		v += __shfl_down_sync(0xffffffffu, v, offset);
	}
	return v;
}

extern "C" __global__ void reduce_sum(const float4* __restrict__ in, float* __restrict__ out, long n4) {
	__shared__ float warps[32];
	float sum = 0;
	for (long i = global_thread(); i < n4; i += grid_threads()) {
		float4 v = in[i];
		sum += (v.x + v.y) + (v.z + v.w);
	}
	sum = warp_sum(sum);
	int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
	if (lane == 0) {
		warps[warp] = sum;
	}
	__syncthreads();
	if (warp == 0) {
		sum = warp_sum(lane < (blockDim.x + 31) / 32 ? warps[lane] : 0.0f);
		if (lane == 0) {
			atomicAdd(out, sum);
		}
	}
}
