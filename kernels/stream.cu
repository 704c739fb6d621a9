// STREAM (McCalpin's four kernels) on doubles. Each thread moves double2 (16 bytes) per access in a
// grid-stride loop, so a grid of a few waves per SM saturates HBM/GDDR; n2 counts double2 elements.
#include "common.cuh"

extern "C" __global__ void stream_copy(const double2* __restrict__ a, double2* __restrict__ c, long n2) {
	for (long i = global_thread(); i < n2; i += grid_threads()) {
		c[i] = a[i];
	}
}

extern "C" __global__ void stream_scale(double2* __restrict__ b, const double2* __restrict__ c, double q, long n2) {
	for (long i = global_thread(); i < n2; i += grid_threads()) {
		double2 v = c[i];
		b[i] = make_double2(q * v.x, q * v.y);
	}
}

extern "C" __global__ void stream_add(const double2* __restrict__ a, const double2* __restrict__ b, double2* __restrict__ c, long n2) {
	for (long i = global_thread(); i < n2; i += grid_threads()) {
		double2 x = a[i], y = b[i];
		c[i] = make_double2(x.x + y.x, x.y + y.y);
	}
}

extern "C" __global__ void stream_triad(double2* __restrict__ a, const double2* __restrict__ b, const double2* __restrict__ c, double q,
		long n2) {
	for (long i = global_thread(); i < n2; i += grid_threads()) {
		double2 x = b[i], y = c[i];
		a[i] = make_double2(fma(q, y.x, x.x), fma(q, y.y, x.y));
	}
}
