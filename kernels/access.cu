// Memory access patterns against the coalesced case. n is a power of two; shifts replace the divisions,
// which would otherwise cost more than the memory access they index.
#include "common.cuh"

// Reads all n floats once, neighbouring threads 2^log_stride elements apart (a transposed walk: thread i reads
// element (i mod rows)·stride + i / rows), and writes them coalesced. log_stride 0 is a plain copy.
extern "C" __global__ void strided_read(const float* __restrict__ in, float* __restrict__ out, long n, int log_stride) {
	int log_rows = 63 - __clzll(n) - log_stride;
	long rows_mask = (1L << log_rows) - 1;
	for (long i = global_thread(); i < n; i += grid_threads()) {
		long j = ((i & rows_mask) << log_stride) | (i >> log_rows);
		out[i] = __ldg(in + j);
	}
}

// SplitMix64's finaliser: neighbouring i land far apart.
__device__ __forceinline__ unsigned long long mix(unsigned long long z) {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

// out[i] = in[hash(i + seed) mod n]: every read is a separate 32-byte sector, as in a hash-table or sparse lookup.
extern "C" __global__ void random_gather(const float* __restrict__ in, float* __restrict__ out, long n, unsigned long long seed) {
	unsigned long long mask = (unsigned long long) n - 1;
	for (long i = global_thread(); i < n; i += grid_threads()) {
		out[i] = __ldg(in + (mix(i + seed) & mask));
	}
}
