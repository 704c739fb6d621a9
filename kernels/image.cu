// Colour inversion of 8-bit RGBA images, alpha kept. A pixel is a little-endian 32-bit word with R in the
// low byte, so inverting R, G and B is an XOR with 0x00FFFFFF.
#include "common.cuh"

// Four pixels per thread as one 16-byte load and store; n4 = pixels / 4.
extern "C" __global__ void invert_rgba4(const uint4* __restrict__ in, uint4* __restrict__ out, long n4) {
	for (long i = global_thread(); i < n4; i += grid_threads()) {
		uint4 p = in[i];
		out[i] = make_uint4(p.x ^ 0x00FFFFFFu, p.y ^ 0x00FFFFFFu, p.z ^ 0x00FFFFFFu, p.w ^ 0x00FFFFFFu);
	}
}

// One pixel per thread from pixel `first` on: the up to three pixels left over after invert_rgba4.
extern "C" __global__ void invert_rgba(const unsigned int* __restrict__ in, unsigned int* __restrict__ out, long first, long n) {
	for (long i = first + global_thread(); i < n; i += grid_threads()) {
		out[i] = in[i] ^ 0x00FFFFFFu;
	}
}
