// The compute runtime's kernels (dev.atelier.compute's CUDA backend, CudaCompute): the operations of a transformer
// over weights read in their GGUF type. Row-major matrices; pointers arrive as 64-bit integers, offsets included, so
// that views of a buffer (a batch's rows) need no buffer of their own.
//
// Weight types and their blocks, exactly as ggml stores them (bytes within a block):
//   F32, F16, BF16   one value each
//   Q8_0  (32, 34)   F16 d, 32 int8 q                         value = d·q
//   Q4_0  (32, 18)   F16 d, 16 bytes: value i low nibble of byte i, value 16+i high   value = d·(q − 8)
//   Q4_K  (256, 144) F16 d, F16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles: sub-block j (32 values)
//                    is d·scale_j·q − dmin·min_j; nibble byte 32p + l holds value l of sub-block 2p low, 2p+1 high
//   Q5_K  (256, 176) as Q4_K, 32 bytes of fifth bits at 16 (bit j of byte l: value l of sub-block j), nibbles at 48
//   Q6_K  (256, 210) 128 bytes of low nibbles, 64 of 2-bit high parts, 16 int8 scales (one per 16 values), F16 d:
//                    value 128h + 32k + l has nibble byte 64h + 32(k&1) + l (high nibble for k ≥ 2) and bits 2k, 2k+1
//                    of byte 128 + 32h + l; value = d·scale·(q − 32)
// Each type has an id (the T of the templates) and its kernels are named by suffix: gemv_q4_k, get_rows_f16, …
#include <cuda_fp16.h>
#include <mma.h>
#include <stdint.h>
#include <string.h>

#include "common.cuh"

using namespace nvcuda;

enum Type { F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K };

// The weight decoding below also compiles for the host (releng/gpu/compute_emulate.cu checks it against the CPU
// backend where there is no GPU): HD functions, with scalar stand-ins for the device's intrinsics.
#define HD __host__ __device__ __forceinline__

template <typename V> HD V load(const V* p) {
#ifdef __CUDA_ARCH__
	return __ldg(p);
#else
	return *p;
#endif
}

/** Σ of the four signed byte products of a and b, plus c. */
HD int dp4a(int a, int b, int c) {
#ifdef __CUDA_ARCH__
	return __dp4a(a, b, c);
#else
	for (int k = 0; k < 4; k++) {
		c += static_cast<int8_t>(a >> 8 * k) * static_cast<int8_t>(b >> 8 * k);
	}
	return c;
#endif
}

/** Byte-wise a − b. */
HD int vsub4(int a, int b) {
#ifdef __CUDA_ARCH__
	return __vsub4(a, b);
#else
	unsigned r = 0;
	for (int k = 0; k < 4; k++) {
		r |= (static_cast<unsigned>(a >> 8 * k) - static_cast<unsigned>(b >> 8 * k) & 0xFF) << 8 * k;
	}
	return static_cast<int>(r);
#endif
}

HD float float_bits(unsigned bits) {
#ifdef __CUDA_ARCH__
	return __uint_as_float(bits);
#else
	float f;
	memcpy(&f, &bits, 4);
	return f;
#endif
}

HD float half_at(const uint8_t* p) {
	return __half2float(*reinterpret_cast<const __half*>(p));
}

HD int u16_at(const uint8_t* p) {
	return *reinterpret_cast<const uint16_t*>(p);
}

/** Four bytes at a 2-byte aligned address (Q8_0, Q4_0 and Q6_K blocks are only that aligned). */
HD int u32_a2(const uint8_t* p) {
	return u16_at(p) | u16_at(p + 2) << 16;
}

/** Sub-block j's 6-bit scale and min from a K-quant's 12 packed bytes. */
HD void scale_min(const uint8_t* s, int j, int& scale, int& min) {
	if (j < 4) {
		scale = s[j] & 63;
		min = s[j + 4] & 63;
	} else {
		scale = (s[j + 4] & 0x0F) | (s[j - 4] >> 6) << 4;
		min = (s[j + 4] >> 4) | (s[j] >> 6) << 4;
	}
}

/** Value i of a row, dequantised: what get_rows, the F16 conversion for cuBLAS and the tensor-core tiles read. */
template <int T> HD float value(const uint8_t* row, long i) {
	if (T == F32) {
		return reinterpret_cast<const float*>(row)[i];
	} else if (T == F16) {
		return __half2float(reinterpret_cast<const __half*>(row)[i]);
	} else if (T == BF16) {
		return float_bits(static_cast<unsigned>(reinterpret_cast<const uint16_t*>(row)[i]) << 16);
	} else if (T == Q8_0) {
		const uint8_t* b = row + 34 * (i / 32);
		return half_at(b) * static_cast<int8_t>(b[2 + i % 32]);
	} else if (T == Q4_0) {
		const uint8_t* b = row + 18 * (i / 32);
		int j = i % 32;
		int q = j < 16 ? b[2 + j] & 0x0F : b[2 + j - 16] >> 4;
		return half_at(b) * (q - 8);
	} else if (T == Q4_K || T == Q5_K) {
		const uint8_t* b = row + (T == Q4_K ? 144 : 176) * (i / 256);
		int e = i % 256, j = e / 32, l = e % 32;
		int scale, min;
		scale_min(b + 4, j, scale, min);
		int q = b[(T == Q4_K ? 16 : 48) + 32 * (j / 2) + l] >> 4 * (j & 1) & 0x0F;
		if (T == Q5_K) {
			q |= (b[16 + l] >> j & 1) << 4;
		}
		return half_at(b) * scale * q - half_at(b + 2) * min;
	} else {
		const uint8_t* b = row + 210 * (i / 256);
		int e = i % 256, h = e / 128, k = e / 32 % 4, l = e % 32;
		int low = b[64 * h + 32 * (k & 1) + l] >> 4 * (k >> 1) & 0x0F;
		int high = b[128 + 32 * h + l] >> 2 * k & 3;
		return half_at(b + 208) * static_cast<int8_t>(b[192 + e / 16]) * ((low | high << 4) - 32);
	}
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
	for (int o = 16; o > 0; o >>= 1) {
		v += __shfl_xor_sync(0xffffffff, v, o);
	}
	return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
	for (int o = 16; o > 0; o >>= 1) {
		v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, o));
	}
	return v;
}

/** Sum over a block of up to 1024 threads; every thread gets it. */
__device__ float block_sum(float v) {
	__shared__ float partial[32];
	__shared__ float total;
	v = warp_sum(v);
	if ((threadIdx.x & 31) == 0) {
		partial[threadIdx.x >> 5] = v;
	}
	__syncthreads();
	if (threadIdx.x < 32) {
		float s = threadIdx.x < (blockDim.x + 31) / 32 ? partial[threadIdx.x] : 0.0f;
		s = warp_sum(s);
		if (threadIdx.x == 0) {
			total = s;
		}
	}
	__syncthreads();
	return total;
}

// ---- embedding lookups -------------------------------------------------------------------------------------------

/** out[r] = table[ids[r]] as F32, zeros for an id outside the table (a fault would end the whole context); grid (n). */
template <int T> __device__ void get_rows(const uint8_t* table, long rowBytes, int tableRows, const int* ids, float* out, int cols) {
	const int id = ids[blockIdx.x];
	const uint8_t* row = table + id * rowBytes;
	float* o = out + (long) blockIdx.x * cols;
	for (int i = threadIdx.x; i < cols; i += blockDim.x) {
		o[i] = id >= 0 && id < tableRows ? value<T>(row, i) : 0.0f;
	}
}

// ---- decode GEMV: out[r] = W[r] · x, a warp per weight row, grid (rows / warps per block, n) ------------------------

/**
 * F32, F16, BF16: each lane reads 16 bytes of the row at a time (8 values, or 4 for F32) and the matching F32 x.
 * Needs cols to be a multiple of 8 (F16, BF16) or 4 (F32); gemv_any covers the rest.
 */
template <int T> HD float chunk_dot(const uint4 w, const float* x) {
	const float4 x0 = load(reinterpret_cast<const float4*>(x));
	if (T == F32) {
		return float_bits(w.x) * x0.x + float_bits(w.y) * x0.y + float_bits(w.z) * x0.z + float_bits(w.w) * x0.w;
	}
	const float4 x1 = load(reinterpret_cast<const float4*>(x + 4));
	const unsigned words[4] = { w.x, w.y, w.z, w.w };
	float s = 0.0f;
#pragma unroll
	for (int k = 0; k < 4; k++) {
		float lo, hi;
		if (T == F16) {
			__half2_raw raw; // not a cast of words' address: the host compiler's aliasing rules would drop the words
			raw.x = static_cast<unsigned short>(words[k]);
			raw.y = static_cast<unsigned short>(words[k] >> 16);
			const float2 f = __half22float2(__half2(raw));
			lo = f.x;
			hi = f.y;
		} else {
			lo = float_bits(words[k] << 16);
			hi = float_bits(words[k] & 0xFFFF0000u);
		}
		const float xa = k < 2 ? (k == 0 ? x0.x : x0.z) : (k == 2 ? x1.x : x1.z);
		const float xb = k < 2 ? (k == 0 ? x0.y : x0.w) : (k == 2 ? x1.y : x1.w);
		s += lo * xa + hi * xb;
	}
	return s;
}

/**
 * One lane's share of a float row (chunks of 16 bytes, lane, lane + 32, …): eight loads issued before any is used, so
 * that 128 bytes per lane are in flight (a 4096-wide F16 row is two such rounds per lane).
 */
template <int T> HD float lane_dot_float(const uint4* w, const float* x, int chunks, int lane) {
	constexpr int PER = T == F32 ? 4 : 8, U = 8;
	float s = 0.0f;
	int c = lane;
	for (; c + 32 * (U - 1) < chunks; c += 32 * U) {
		uint4 a[U];
#pragma unroll
		for (int k = 0; k < U; k++) {
			a[k] = load(w + c + 32 * k);
		}
#pragma unroll
		for (int k = 0; k < U; k++) {
			s += chunk_dot<T>(a[k], x + (c + 32 * k) * PER);
		}
	}
	for (; c < chunks; c += 32) {
		s += chunk_dot<T>(load(w + c), x + c * PER);
	}
	return s;
}

/**
 * Up to three weight matrices of one type that multiply the same x (a layer's query, key and value; its gate and up),
 * laid end to end by rows: one launch keeps the GPU busy where each alone is small. Unused ones have 0 rows.
 */
struct Matrices {
	const uint8_t* w[3];
	float* out[3];
	int rows[3];
	long rowBytes;

	/** Row g of the matrices end to end, and where its product with token y goes; false past the last row. */
	HD bool locate(int g, int y, const uint8_t*& row, float*& o) const {
		for (int j = 0; j < 3; j++) {
			if (g < rows[j]) {
				row = w[j] + g * rowBytes;
				o = out[j] + (long) y * rows[j] + g;
				return true;
			}
			g -= rows[j];
		}
		return false;
	}
};

// The GEMV kernels' parameters for their Matrices.
#define MATRICES_PARAMS                                                                                                              \
	const uint8_t *W0, const uint8_t *W1, const uint8_t *W2, float *out0, float *out1, float *out2, int rows0, int rows1, int rows2, \
			long rowBytes
#define MATRICES (Matrices { { W0, W1, W2 }, { out0, out1, out2 }, { rows0, rows1, rows2 }, rowBytes })

/** The block's warp's row of m against token blockIdx.y: the lanes' shares dot(row, lane) summed into its place in out. */
template <typename Dot> __device__ __forceinline__ void gemv(const Matrices& m, Dot dot) {
	const int lane = threadIdx.x & 31;
	const uint8_t* row;
	float* o;
	if (!m.locate(blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5), blockIdx.y, row, o)) {
		return;
	}
	const float s = warp_sum(dot(row, lane));
	if (lane == 0) {
		*o = s;
	}
}

/** Any type, any cols: a value at a time (F16/BF16/F32 rows whose length breaks 16-byte alignment). */
template <int T> HD float lane_dot_any(const uint8_t* row, const float* x, int cols, int lane) {
	float s = 0.0f;
	for (int i = lane; i < cols; i += 32) {
		s += value<T>(row, i) * x[i];
	}
	return s;
}

/**
 * x quantised to 8 bits for the quantised types' integer dot products: per block of 32 values an F32 scale
 * d = max|x| / 127 and d·Σq, so that a weight offset (Q4_0's 8, a K-quant's min) costs one multiply per block. A warp
 * holds a block, a value per lane: v is element i of x (rows end to end; a row's length is a multiple of 32), whose
 * block is i / 32. rms_norm and swiglu quantise what they write where the next GEMV wants it, sparing a launch.
 */
__device__ __forceinline__ void quantize_lane(float v, long i, int8_t* xq, float2* xds) {
	const float amax = warp_max(fabsf(v));
	const float d = amax / 127.0f;
	const int q = amax == 0.0f ? 0 : __float2int_rn(v / d);
	xq[i] = static_cast<int8_t>(q);
	const float sum = warp_sum(static_cast<float>(q));
	if ((threadIdx.x & 31) == 0) {
		xds[i / 32] = make_float2(d, d * sum);
	}
}

/** x quantised once per matmul where no kernel before did: a warp per block, grid (cols / 32 / 8, n), 256 threads. */
extern "C" __global__ void quantize_x(const float* x, int8_t* xq, float2* xds, int cols) {
	const int b = blockIdx.x * 8 + (threadIdx.x >> 5);
	if (b >= cols / 32) {
		return;
	}
	const long i = (long) blockIdx.y * cols + 32 * b + (threadIdx.x & 31);
	quantize_lane(x[i], i, xq, xds);
}

/** The 8 words (32 int8) of x block b. */
HD void x_words(const int8_t* xq, int b, int (&xw)[8]) {
	const int4* p = reinterpret_cast<const int4*>(xq + 32L * b);
	const int4 a = load(p), c = load(p + 1);
	xw[0] = a.x; xw[1] = a.y; xw[2] = a.z; xw[3] = a.w;
	xw[4] = c.x; xw[5] = c.y; xw[6] = c.z; xw[7] = c.w;
}

/**
 * One lane's share of a quantised row: unit u is a block of 32 (Q8_0, Q4_0), a quarter of a super-block — 64 values,
 * two sub-blocks sharing nibble bytes (Q4_K, Q5_K) — or, for Q6_K, the 64 values (h, k&1) whose nibbles share bytes.
 */
template <int T> HD float unit_dot(const uint8_t* row, int u, const int8_t* xq, const float2* xds) {
	if (T == Q8_0 || T == Q4_0) {
		const uint8_t* b = row + (T == Q8_0 ? 34L : 18L) * u;
		int xw[8];
		x_words(xq, u, xw);
		int s = 0;
		if (T == Q8_0) {
#pragma unroll
			for (int k = 0; k < 8; k++) {
				s = dp4a(u32_a2(b + 2 + 4 * k), xw[k], s);
			}
			return half_at(b) * xds[u].x * s;
		}
#pragma unroll
		for (int k = 0; k < 4; k++) {
			const int w = u32_a2(b + 2 + 4 * k);
			s = dp4a(w & 0x0F0F0F0F, xw[k], s);
			s = dp4a(w >> 4 & 0x0F0F0F0F, xw[k + 4], s);
		}
		const float2 ds = xds[u];
		return half_at(b) * (ds.x * s - 8.0f * ds.y);
	} else if (T == Q4_K || T == Q5_K) {
		const int sb = u >> 2, p = u & 3;
		const uint8_t* b = row + (T == Q4_K ? 144L : 176L) * sb;
		const uint4* nib = reinterpret_cast<const uint4*>(b + (T == Q4_K ? 16 : 48) + 32 * p);
		const uint4 n0 = load(nib), n1 = load(nib + 1);
		const int w[8] = { (int) n0.x, (int) n0.y, (int) n0.z, (int) n0.w, (int) n1.x, (int) n1.y, (int) n1.z, (int) n1.w };
		int hb[8];
		if (T == Q5_K) {
			const uint4* qh = reinterpret_cast<const uint4*>(b + 16);
			const uint4 h0 = load(qh), h1 = load(qh + 1);
			hb[0] = h0.x; hb[1] = h0.y; hb[2] = h0.z; hb[3] = h0.w; hb[4] = h1.x; hb[5] = h1.y; hb[6] = h1.z; hb[7] = h1.w;
		}
		const int xb = sb * 8 + 2 * p;
		int x0[8], x1[8];
		x_words(xq, xb, x0);
		x_words(xq, xb + 1, x1);
		int s0 = 0, s1 = 0;
#pragma unroll
		for (int k = 0; k < 8; k++) {
			int lo = w[k] & 0x0F0F0F0F, hi = w[k] >> 4 & 0x0F0F0F0F;
			if (T == Q5_K) {
				lo |= (hb[k] >> (2 * p) & 0x01010101) << 4;
				hi |= (hb[k] >> (2 * p + 1) & 0x01010101) << 4;
			}
			s0 = dp4a(lo, x0[k], s0);
			s1 = dp4a(hi, x1[k], s1);
		}
		int sc0, m0, sc1, m1;
		scale_min(b + 4, 2 * p, sc0, m0);
		scale_min(b + 4, 2 * p + 1, sc1, m1);
		const float2 d0 = xds[xb], d1 = xds[xb + 1];
		return half_at(b) * (sc0 * d0.x * s0 + sc1 * d1.x * s1) - half_at(b + 2) * (m0 * d0.y + m1 * d1.y);
	} else {
		const int sb = u >> 2, h = u >> 1 & 1, kk = u & 1;
		const uint8_t* b = row + 210L * sb;
		const uint8_t* ql = b + 64 * h + 32 * kk;
		const uint8_t* qh = b + 128 + 32 * h;
		float total = 0.0f;
#pragma unroll
		for (int pass = 0; pass < 2; pass++) { // k = kk (low nibbles), then k = kk + 2 (high nibbles)
			const int k = kk + 2 * pass;
			const int xb = sb * 8 + 4 * h + k;
			int xw[8];
			x_words(xq, xb, xw);
			int sa = 0, sbm = 0;
#pragma unroll
			for (int c = 0; c < 8; c++) {
				const int low = u32_a2(ql + 4 * c) >> 4 * pass & 0x0F0F0F0F;
				const int high = (u32_a2(qh + 4 * c) >> 2 * k & 0x03030303) << 4;
				const int q = vsub4(low | high, 0x20202020);
				if (c < 4) {
					sa = dp4a(q, xw[c], sa);
				} else {
					sbm = dp4a(q, xw[c], sbm);
				}
			}
			const int g = 8 * h + 2 * k;
			total += xds[xb].x * (static_cast<int8_t>(b[192 + g]) * sa + static_cast<int8_t>(b[193 + g]) * sbm);
		}
		return half_at(b + 208) * total;
	}
}

/** The units of a row: blocks of 32 (Q8_0, Q4_0) or quarters of a super-block (the K-quants). */
template <int T> HD int units_of(int cols) {
	return T == Q8_0 || T == Q4_0 ? cols / 32 : cols / 64;
}

/**
 * One lane's share of a quantised row (units lane, lane + 32, …), U units unrolled so that their loads are all issued
 * before the integer dot products: four of the small blocks, two of the K-quants' larger units (a 4096-wide row is
 * one such round per lane for every type).
 */
template <int T> HD float lane_dot_quant(const uint8_t* row, int cols, int lane, const int8_t* xq, const float2* xds) {
	constexpr int U = T == Q8_0 || T == Q4_0 ? 4 : 2;
	const int units = units_of<T>(cols);
	float s = 0.0f;
	int u = lane;
	for (; u + 32 * (U - 1) < units; u += 32 * U) {
#pragma unroll
		for (int k = 0; k < U; k++) {
			s += unit_dot<T>(row, u + 32 * k, xq, xds);
		}
	}
	for (; u < units; u += 32) {
		s += unit_dot<T>(row, u, xq, xds);
	}
	return s;
}

// ---- batched matmul on tensor cores: out (n × rows) = x (n × cols) · Wᵀ, tiles dequantised to F16 -------------------

constexpr int MM_TILE = 64, MM_K = 32, MM_LD = MM_K + 8;

/**
 * A block of 8 warps computes a 64 (tokens) × 64 (weight rows) tile of out: per step of 32 along K each thread
 * dequantises 8 weights and converts 8 activations into shared memory, then each warp multiplies a 16 × 32 slice with
 * WMMA (F16 in, F32 accumulation). cols must be a multiple of 32; grid (ceil(rows / 64), ceil(n / 64)), 256 threads.
 */
template <int T> __device__ void matmul_tc(const uint8_t* W, long rowBytes, const float* x, float* out, int rows, int cols, int n) {
	__shared__ __align__(32) half xs[MM_TILE * MM_LD];
	__shared__ __align__(32) half ws[MM_TILE * MM_LD];
	__shared__ __align__(32) float cs[MM_TILE * MM_TILE];
	const int tid = threadIdx.x, warp = tid >> 5;
	const int wm = warp >> 1, wn = warp & 1;
	const long r0 = (long) blockIdx.x * MM_TILE, t0 = (long) blockIdx.y * MM_TILE;
	const int lr = tid >> 2, lk = (tid & 3) * 8; // this thread's row of the tiles and its 8 values along K
	wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2];
	wmma::fill_fragment(acc[0], 0.0f);
	wmma::fill_fragment(acc[1], 0.0f);
	for (int k0 = 0; k0 < cols; k0 += MM_K) {
		const bool wIn = r0 + lr < rows, xIn = t0 + lr < n;
		const uint8_t* wrow = W + (r0 + lr) * rowBytes;
		const float* xrow = x + (t0 + lr) * cols + k0 + lk;
#pragma unroll
		for (int i = 0; i < 8; i++) {
			ws[lr * MM_LD + lk + i] = __float2half(wIn ? value<T>(wrow, k0 + lk + i) : 0.0f);
			xs[lr * MM_LD + lk + i] = __float2half(xIn ? xrow[i] : 0.0f);
		}
		__syncthreads();
#pragma unroll
		for (int kk = 0; kk < MM_K; kk += 16) {
			wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
			wmma::load_matrix_sync(a, xs + wm * 16 * MM_LD + kk, MM_LD);
#pragma unroll
			for (int f = 0; f < 2; f++) {
				wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> b;
				wmma::load_matrix_sync(b, ws + (wn * 32 + f * 16) * MM_LD + kk, MM_LD);
				wmma::mma_sync(acc[f], a, b, acc[f]);
			}
		}
		__syncthreads();
	}
	wmma::store_matrix_sync(cs + wm * 16 * MM_TILE + wn * 32, acc[0], MM_TILE, wmma::mem_row_major);
	wmma::store_matrix_sync(cs + wm * 16 * MM_TILE + wn * 32 + 16, acc[1], MM_TILE, wmma::mem_row_major);
	__syncthreads();
	for (int i = tid; i < MM_TILE * MM_TILE; i += blockDim.x) {
		const long t = t0 + i / MM_TILE, r = r0 + i % MM_TILE;
		if (t < n && r < rows) {
			out[t * rows + r] = cs[i];
		}
	}
}

/** Rows first … first + count − 1 of W as F16 (cuBLAS's operand for every type but F32); grid-stride. */
template <int T> __device__ void dequantize_f16(const uint8_t* W, long rowBytes, half* out, int first, int count, int cols) {
	const long total = (long) count * cols;
	for (long i = global_thread(); i < total; i += grid_threads()) {
		out[i] = __float2half(value<T>(W + (first + i / cols) * rowBytes, i % cols));
	}
}

#define PER_TYPE(T, name)                                                                                                          \
	extern "C" __global__ void get_rows_##name(const uint8_t* table, long rowBytes, int tableRows, const int* ids, float* out,     \
			int cols) {                                                                                                          \
		get_rows<T>(table, rowBytes, tableRows, ids, out, cols);                                                                 \
	}                                                                                                                            \
	extern "C" __global__ void gemv_any_##name(MATRICES_PARAMS, const float* x, int cols) {                                       \
		gemv(MATRICES, [=](const uint8_t* row, int lane) { return lane_dot_any<T>(row, x + (long) blockIdx.y * cols, cols, lane); });   \
	}                                                                                                                            \
	extern "C" __global__ void matmul_tc_##name(const uint8_t* W, long rowBytes, const float* x, float* out, int rows, int cols, \
			int n) {                                                                                                             \
		matmul_tc<T>(W, rowBytes, x, out, rows, cols, n);                                                                        \
	}                                                                                                                            \
	extern "C" __global__ void dequantize_f16_##name(const uint8_t* W, long rowBytes, half* out, int first, int count, int cols) { \
		dequantize_f16<T>(W, rowBytes, out, first, count, cols);                                                                 \
	}

PER_TYPE(F32, f32)
PER_TYPE(F16, f16)
PER_TYPE(BF16, bf16)
PER_TYPE(Q8_0, q8_0)
PER_TYPE(Q4_0, q4_0)
PER_TYPE(Q4_K, q4_k)
PER_TYPE(Q5_K, q5_k)
PER_TYPE(Q6_K, q6_k)

#define GEMV_FLOAT(T, name)                                                                                                        \
	extern "C" __global__ void gemv_##name(MATRICES_PARAMS, const float* x, int cols) {                                           \
		gemv(MATRICES, [=](const uint8_t* row, int lane) {                                                                       \
			return lane_dot_float<T>(reinterpret_cast<const uint4*>(row), x + (long) blockIdx.y * cols, cols / (T == F32 ? 4 : 8), lane); \
		});                                                                                                                      \
	}

GEMV_FLOAT(F32, f32)
GEMV_FLOAT(F16, f16)
GEMV_FLOAT(BF16, bf16)

#define GEMV_QUANT(T, name)                                                                                                        \
	extern "C" __global__ void gemv_##name(MATRICES_PARAMS, const int8_t* xq, const float2* xds, int cols) {                      \
		gemv(MATRICES, [=](const uint8_t* row, int lane) {                                                                       \
			return lane_dot_quant<T>(row, cols, lane, xq + (long) blockIdx.y * cols, xds + (long) blockIdx.y * (cols / 32));    \
		});                                                                                                                      \
	}

GEMV_QUANT(Q8_0, q8_0)
GEMV_QUANT(Q4_0, q4_0)
GEMV_QUANT(Q4_K, q4_k)
GEMV_QUANT(Q5_K, q5_k)
GEMV_QUANT(Q6_K, q6_k)

/** x (count floats) as F16, cuBLAS's other operand; grid-stride. */
extern "C" __global__ void to_f16(const float* x, half* out, long count) {
	for (long i = global_thread(); i < count; i += grid_threads()) {
		out[i] = __float2half(x[i]);
	}
}

// ---- element-wise and per-row operations -------------------------------------------------------------------------

/**
 * out = a + b, b's row j added to the j-th run of `run` values of a (a's shape: run = cols; a bias: run = count; a
 * row per image: run = an image's values); grid-stride over count.
 */
extern "C" __global__ void add(const float* a, const float* b, float* out, long count, long run, int cols) {
	for (long i = global_thread(); i < count; i += grid_threads()) {
		out[i] = a[i] + b[run == cols ? i : i / run * cols + i % cols];
	}
}

/** out = silu(gate) · up; quantised into xq, xds too where they are not null (then count is a multiple of 32). */
extern "C" __global__ void swiglu(const float* gate, const float* up, float* out, long count, int8_t* xq, float2* xds) {
	for (long i = global_thread(); i < count; i += grid_threads()) {
		const float g = gate[i];
		const float v = g / (1.0f + __expf(-g)) * up[i];
		out[i] = v;
		if (xq) {
			quantize_lane(v, i, xq, xds);
		}
	}
}

/**
 * Thread t of n's share of rms_norm's first pass over a row: a + b (b may be null) stored into sum (may be null, and
 * may be a or b: each thread reads only what it writes), and the sum of the squares.
 */
HD float add_squares(const float* a, const float* b, float* sum, int cols, int t, int n) {
	float ss = 0.0f;
	for (int i = t; i < cols; i += n) {
		const float v = b ? a[i] + b[i] : a[i];
		if (sum) {
			sum[i] = v;
		}
		ss += v * v;
	}
	return ss;
}

/** Thread t of n's share of the second pass: out = x · scale · weight. */
HD void scale_row(const float* x, const float* weight, float* out, int cols, float scale, int t, int n) {
	for (int i = t; i < cols; i += n) {
		out[i] = x[i] * scale * weight[i];
	}
}

/**
 * A block per row: out = s / sqrt(mean(s²) + eps) · weight with s = a + b, kept in sum (the residual step), or s = a
 * where b and sum are null (a plain RMSNorm). A thread holds its first NORM_PER values in registers between the two
 * passes, their loads all in flight at once: a decode step's norms are a single block each, bound by load latency.
 * Where xq is not null, out is also quantised into xq, xds (then cols is a multiple of 32, at most NORM_PER · blockDim).
 */
constexpr int NORM_PER = 4;

extern "C" __global__ void rms_norm(const float* a, const float* b, const float* weight, float* sum, float* out, int cols, float eps,
		int8_t* xq, float2* xds) {
	const long at = (long) blockIdx.x * cols;
	const float* ar = a + at;
	const float* br = b ? b + at : nullptr;
	float* s = sum ? sum + at : nullptr;
	float v[NORM_PER];
	float ss = 0.0f;
#pragma unroll
	for (int j = 0; j < NORM_PER; j++) {
		const int i = threadIdx.x + j * blockDim.x;
		v[j] = i < cols ? (br ? ar[i] + br[i] : ar[i]) : 0.0f;
		ss += v[j] * v[j];
	}
#pragma unroll
	for (int j = 0; j < NORM_PER; j++) {
		const int i = threadIdx.x + j * blockDim.x;
		if (s && i < cols) {
			s[i] = v[j];
		}
	}
	const int rest = NORM_PER * blockDim.x;
	if (cols > rest) {
		ss += add_squares(ar + rest, br ? br + rest : nullptr, s ? s + rest : nullptr, cols - rest, threadIdx.x, blockDim.x);
	}
	const float scale = rsqrtf(block_sum(ss) / cols + eps);
#pragma unroll
	for (int j = 0; j < NORM_PER; j++) {
		const int i = threadIdx.x + j * blockDim.x;
		if (i < cols) {
			const float o = v[j] * scale * weight[i];
			out[at + i] = o;
			if (xq) {
				quantize_lane(o, at + i, xq, xds);
			}
		}
	}
	if (cols > rest) {
		// b is null wherever sum is (the plain norm), so s, else a, holds the sums
		scale_row((s ? s : ar) + rest, weight + rest, out + at + rest, cols - rest, scale, threadIdx.x, blockDim.x);
	}
}

/** Stores value i of a cache row as F16 (f16 = 1) or F32. */
HD void cache_store(void* row, int i, float v, int f16) {
	if (f16) {
		static_cast<half*>(row)[i] = __float2half(v);
	} else {
		static_cast<float*>(row)[i] = v;
	}
}

/**
 * Thread t of n's share of rotating a row in place: pair j of each head by pos · freq[j], (2j, 2j+1), or (j, j + hs/2)
 * with neox; the rotated values also go to cache (a cache row, or null).
 */
HD void rotate_row(float* x, int cols, float pos, const float* freq, int headSize, int neox, void* cache, int f16, int t, int n) {
	const int half_size = headSize / 2;
	for (int p = t; p < cols / 2; p += n) {
		const int head = p / half_size, j = p % half_size;
		const int i0 = head * headSize + (neox ? j : 2 * j);
		const int i1 = i0 + (neox ? half_size : 1);
		float s, c;
		sincosf(pos * freq[j], &s, &c);
		const float a = x[i0], b = x[i1];
		x[i0] = a * c - b * s;
		x[i1] = a * s + b * c;
		if (cache) {
			cache_store(cache, i0, x[i0], f16);
			cache_store(cache, i1, x[i1], f16);
		}
	}
}

/**
 * Thread t of n's share of rope_store's row i: q and k rotated (where not null), k and v stored as row positions[i] of
 * keys and values (where the position lies in the cache).
 */
HD void rope_store_row(int i, float* q, float* k, const float* v, const int* positions, const float* freq, int qCols, int kvCols, int headSize,
		int neox, void* keys, void* values, int cacheRows, int f16, int t, int n) {
	const int pos = positions[i];
	const bool cached = pos >= 0 && pos < cacheRows;
	const long at = (long) pos * kvCols * (f16 ? 2 : 4);
	if (q) {
		rotate_row(q + (long) i * qCols, qCols, static_cast<float>(pos), freq, headSize, neox, nullptr, f16, t, n);
	}
	if (k) {
		rotate_row(k + (long) i * kvCols, kvCols, static_cast<float>(pos), freq, headSize, neox, cached ? static_cast<uint8_t*>(keys) + at : nullptr,
				f16, t, n);
	}
	if (v && cached) {
		for (int c = t; c < kvCols; c += n) {
			cache_store(static_cast<uint8_t*>(values) + at, c, v[(long) i * kvCols + c], f16);
		}
	}
}

/**
 * Row blockIdx.x, shared by gridDim.y blocks: rope (q alone), set_rows (v into values alone) and both fused for a layer's
 * new query, key and value (positions outside the cache are not stored).
 */
extern "C" __global__ void rope_store(float* q, float* k, const float* v, const int* positions, const float* freq, int qCols, int kvCols,
		int headSize, int neox, void* keys, void* values, int cacheRows, int f16) {
	rope_store_row(blockIdx.x, q, k, v, positions, freq, qCols, kvCols, headSize, neox, keys, values, cacheRows, f16,
			blockIdx.y * blockDim.x + threadIdx.x, gridDim.y * blockDim.x);
}

/** A block per row: the first index of the largest value. */
extern "C" __global__ void argmax(const float* values, int* out, int cols) {
	__shared__ float bestValue[32];
	__shared__ int bestIndex[32];
	const float* r = values + (long) blockIdx.x * cols;
	float best = -INFINITY;
	int index = 0x7fffffff;
	for (int i = threadIdx.x; i < cols; i += blockDim.x) {
		if (r[i] > best) { // strictly greater: a thread keeps its first maximum
			best = r[i];
			index = i;
		}
	}
	for (int o = 16; o > 0; o >>= 1) {
		const float v = __shfl_xor_sync(0xffffffff, best, o);
		const int j = __shfl_xor_sync(0xffffffff, index, o);
		if (v > best || (v == best && j < index)) {
			best = v;
			index = j;
		}
	}
	if ((threadIdx.x & 31) == 0) {
		bestValue[threadIdx.x >> 5] = best;
		bestIndex[threadIdx.x >> 5] = index;
	}
	__syncthreads();
	if (threadIdx.x == 0) {
		for (int w = 1; w < (blockDim.x + 31) / 32; w++) {
			if (bestValue[w] > best || (bestValue[w] == best && bestIndex[w] < index)) {
				best = bestValue[w];
				index = bestIndex[w];
			}
		}
		out[blockIdx.x] = index == 0x7fffffff ? 0 : index;
	}
}

/** Float bits mapped so that unsigned order is the floats' order. */
__device__ __forceinline__ unsigned ordered(float v) {
	const unsigned b = __float_as_uint(v);
	return b & 0x80000000u ? ~b : b | 0x80000000u;
}

/**
 * The k (≤ 256) largest of one row, largest first, lower index first on ties. One block of 1024 threads: a radix
 * select (4 passes of 8 bits over the row) finds the k-th largest key, then the keys above it and the first equal
 * ones by index are gathered and bitonic-sorted in shared memory.
 */
extern "C" __global__ void top_k(const float* row, int cols, int k, float* values, int* indices) {
	__shared__ unsigned histogram[256];
	__shared__ unsigned prefix, wanted;
	__shared__ unsigned long long keys[256]; // (ordered value, ~index): sorting keys descending sorts both ways
	__shared__ int count, equalTaken;
	__shared__ int warpEqual[32];
	if (threadIdx.x == 0) {
		prefix = 0;
		wanted = k; // how many of the keys that match the prefix still belong to the top k
	}
	for (int pass = 0; pass < 4; pass++) {
		const int shift = 24 - 8 * pass;
		for (int i = threadIdx.x; i < 256; i += blockDim.x) {
			histogram[i] = 0;
		}
		__syncthreads();
		const unsigned mask = pass == 0 ? 0u : 0xFFFFFFFFu << (shift + 8);
		for (int i = threadIdx.x; i < cols; i += blockDim.x) {
			const unsigned key = ordered(row[i]);
			if ((key & mask) == prefix) {
				atomicAdd(&histogram[key >> shift & 0xFF], 1u);
			}
		}
		__syncthreads();
		if (threadIdx.x == 0) {
			unsigned above = 0;
			int bin = 255;
			for (; bin > 0; bin--) {
				if (above + histogram[bin] >= wanted) {
					break;
				}
				above += histogram[bin];
			}
			prefix |= static_cast<unsigned>(bin) << shift;
			wanted -= above;
		}
		__syncthreads();
	}
	const unsigned threshold = prefix; // the k-th largest key; `wanted` of the keys equal to it are taken
	if (threadIdx.x == 0) {
		count = 0;
		equalTaken = 0;
	}
	for (int i = threadIdx.x; i < 256; i += blockDim.x) {
		keys[i] = 0;
	}
	__syncthreads();
	const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
	for (int base = 0; base < cols; base += blockDim.x) {
		const int i = base + threadIdx.x;
		const unsigned key = i < cols ? ordered(row[i]) : 0u;
		if (i < cols && key > threshold) {
			keys[atomicAdd(&count, 1)] = static_cast<unsigned long long>(key) << 32 | ~static_cast<unsigned>(i);
		}
		// equal keys are taken in index order: a block-wide prefix count of them
		const bool equal = i < cols && key == threshold;
		const unsigned ballot = __ballot_sync(0xffffffff, equal);
		if (lane == 0) {
			warpEqual[warp] = __popc(ballot);
		}
		__syncthreads();
		int before = equalTaken + __popc(ballot & ((1u << lane) - 1));
		for (int w = 0; w < warp; w++) {
			before += warpEqual[w];
		}
		if (equal && before < static_cast<int>(wanted)) {
			keys[k - wanted + before] = static_cast<unsigned long long>(key) << 32 | ~static_cast<unsigned>(i);
		}
		__syncthreads();
		if (threadIdx.x == 0) {
			for (int w = 0; w < warps; w++) {
				equalTaken += warpEqual[w];
			}
		}
		__syncthreads();
	}
	// bitonic sort of 256 keys, descending
	for (int size = 2; size <= 256; size <<= 1) {
		for (int stride = size >> 1; stride > 0; stride >>= 1) {
			if (threadIdx.x < 256) {
				const int i = threadIdx.x, j = i ^ stride;
				if (j > i) {
					const bool descending = (i & size) == 0;
					const unsigned long long a = keys[i], b = keys[j];
					if (descending ? a < b : a > b) {
						keys[i] = b;
						keys[j] = a;
					}
				}
			}
			__syncthreads();
		}
	}
	for (int i = threadIdx.x; i < k; i += blockDim.x) {
		const unsigned key = static_cast<unsigned>(keys[i] >> 32);
		const unsigned bits = key & 0x80000000u ? key & 0x7FFFFFFFu : ~key;
		values[i] = __uint_as_float(bits);
		indices[i] = static_cast<int>(~static_cast<unsigned>(keys[i]));
	}
}

// ---- attention over a F16 (or F32) cache, flash-decoding --------------------------------------------------------

constexpr int ATT_WARPS = 4, ATT_MAX_HEAD = 256;

template <bool F16CACHE> __device__ __forceinline__ float cache_at(const void* cache, long i) {
	return F16CACHE ? __half2float(static_cast<const half*>(cache)[i]) : static_cast<const float*>(cache)[i];
}

/**
 * Element e of attention's output, quantised for the output projection's GEMV too where xq is not null (then the head
 * size is a multiple of 32, so a warp writes whole blocks).
 */
__device__ __forceinline__ void attention_out(float v, long e, float* out, int8_t* xq, float2* xds) {
	out[e] = v;
	if (xq) {
		quantize_lane(v, e, xq, xds);
	}
}

/**
 * Merges the splits' partial softmax states of query row i, head h into out. The partials were written by other blocks,
 * so they are read past the (incoherent) L1 cache.
 */
__device__ void attention_combine(const float* partial, int i, int h, int heads, int headSize, int splits, float* out, int8_t* xq, float2* xds) {
	const float* p = partial + ((long) i * heads + h) * splits * (headSize + 2);
	float mAll = -INFINITY;
	for (int s = 0; s < splits; s++) {
		mAll = fmaxf(mAll, __ldcg(p + s * (headSize + 2)));
	}
	float lAll = 0.0f;
	for (int s = 0; s < splits; s++) {
		const float m = __ldcg(p + s * (headSize + 2));
		lAll += m == -INFINITY ? 0.0f : __ldcg(p + s * (headSize + 2) + 1) * __expf(m - mAll);
	}
	for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
		float v = 0.0f;
		for (int s = 0; s < splits; s++) {
			const float m = __ldcg(p + s * (headSize + 2));
			v += m == -INFINITY ? 0.0f : __ldcg(p + s * (headSize + 2) + 2 + d) * __expf(m - mAll);
		}
		attention_out(lAll > 0.0f ? v / lAll : 0.0f, (long) i * heads * headSize + h * headSize + d, out, xq, xds);
	}
}

/**
 * The block's warps' softmax states (in shared memory) merged: the output of query row i, head h where there is one
 * split, else split s's (max, sum, unnormalised output) into partial; the last of the splits to finish (counted in
 * counters, which it leaves at zero for the next launch) combines them, saving a launch per layer.
 */
__device__ void attention_finish(const float* wm, const float* wl, const float (*wacc)[ATT_MAX_HEAD], int headSize, int i, int h, int s,
		int heads, int splits, float* out, float* partial, int* counters, int8_t* xq, float2* xds) {
	float mAll = -INFINITY;
	for (int w = 0; w < ATT_WARPS; w++) {
		mAll = fmaxf(mAll, wm[w]);
	}
	float lAll = 0.0f;
	for (int w = 0; w < ATT_WARPS; w++) {
		lAll += wm[w] == -INFINITY ? 0.0f : wl[w] * __expf(wm[w] - mAll);
	}
	for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
		float v = 0.0f;
		for (int w = 0; w < ATT_WARPS; w++) {
			v += wm[w] == -INFINITY ? 0.0f : wacc[w][d] * __expf(wm[w] - mAll);
		}
		if (splits == 1) {
			attention_out(lAll > 0.0f ? v / lAll : 0.0f, (long) i * heads * headSize + h * headSize + d, out, xq, xds);
		} else {
			partial[(((long) i * heads + h) * splits + s) * (headSize + 2) + 2 + d] = v;
		}
	}
	if (splits == 1) {
		return;
	}
	if (threadIdx.x == 0) {
		float* p = partial + (((long) i * heads + h) * splits + s) * (headSize + 2);
		p[0] = mAll;
		p[1] = lAll;
	}
	__shared__ bool last;
	__threadfence();
	__syncthreads();
	if (threadIdx.x == 0) {
		int* counter = counters + (long) i * heads + h;
		last = atomicAdd(counter, 1) == splits - 1;
		if (last) {
			*counter = 0;
		}
	}
	__syncthreads();
	if (last) {
		attention_combine(partial, i, h, heads, headSize, splits, out, xq, xds);
	}
}

/**
 * Query row i (blockIdx.y), head h (blockIdx.x), split s (blockIdx.z) of `splits`: keys 0 … positions[i] are cut into
 * `splits` chunks of `chunk`; this block runs an online softmax over its chunk, a warp per key at a time, a lane per
 * 32nd dimension; attention_finish writes the output. Positions come from device memory, so a captured graph serves
 * every decode position.
 */
template <bool F16CACHE> __device__ void attention_split(const float* q, const void* keys, const void* vals, const int* positions, int heads,
		int kvHeads, int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq, float2* xds) {
	__shared__ float qs[ATT_MAX_HEAD];
	__shared__ float wm[ATT_WARPS], wl[ATT_WARPS];
	__shared__ float wacc[ATT_WARPS][ATT_MAX_HEAD];
	const int h = blockIdx.x, i = blockIdx.y, s = blockIdx.z;
	const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
	const int kvh = h / (heads / kvHeads);
	const int kvCols = kvHeads * headSize;
	const float scale = rsqrtf(static_cast<float>(headSize));
	const float* qr = q + (long) i * heads * headSize + h * headSize;
	for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
		qs[d] = qr[d] * scale;
	}
	__syncthreads();
	const int last = min(positions[i], cacheRows - 1); // a position past the cache reads no memory outside it
	const int from = s * chunk, to = min(from + chunk, last + 1);
	constexpr int PER = ATT_MAX_HEAD / 32;
	float m = -INFINITY, l = 0.0f, acc[PER];
#pragma unroll
	for (int j = 0; j < PER; j++) {
		acc[j] = 0.0f;
	}
	for (int t = from + warp; t < to; t += ATT_WARPS) {
		const long base = (long) t * kvCols + kvh * headSize;
		float dot = 0.0f;
#pragma unroll
		for (int j = 0; j < PER; j++) {
			const int d = lane + 32 * j;
			if (d < headSize) {
				dot += qs[d] * cache_at<F16CACHE>(keys, base + d);
			}
		}
		dot = warp_sum(dot);
		const float mNew = fmaxf(m, dot);
		const float correction = __expf(m - mNew), p = __expf(dot - mNew);
		l = l * correction + p;
#pragma unroll
		for (int j = 0; j < PER; j++) {
			const int d = lane + 32 * j;
			if (d < headSize) {
				acc[j] = acc[j] * correction + p * cache_at<F16CACHE>(vals, base + d);
			}
		}
		m = mNew;
	}
	if (lane == 0) {
		wm[warp] = m;
		wl[warp] = l;
	}
#pragma unroll
	for (int j = 0; j < PER; j++) {
		const int d = lane + 32 * j;
		if (d < headSize) {
			wacc[warp][d] = acc[j];
		}
	}
	__syncthreads();
	attention_finish(wm, wl, wacc, headSize, i, h, s, heads, splits, out, partial, counters, xq, xds);
}

/** The VEC values of a cache row's 16 bytes at element i (8 F16 or 4 F32), as floats. */
template <bool F16CACHE> __device__ __forceinline__ void cache_chunk(const void* cache, long i, float* v) {
	if (F16CACHE) {
		const uint4 w = load(reinterpret_cast<const uint4*>(static_cast<const half*>(cache) + i));
		const unsigned words[4] = { w.x, w.y, w.z, w.w };
#pragma unroll
		for (int k = 0; k < 4; k++) {
			__half2_raw raw;
			raw.x = static_cast<unsigned short>(words[k]);
			raw.y = static_cast<unsigned short>(words[k] >> 16);
			const float2 f = __half22float2(__half2(raw));
			v[2 * k] = f.x;
			v[2 * k + 1] = f.y;
		}
	} else {
		const float4 f = load(reinterpret_cast<const float4*>(static_cast<const float*>(cache) + i));
		v[0] = f.x;
		v[1] = f.y;
		v[2] = f.z;
		v[3] = f.w;
	}
}

/** Softmax state (m, l, acc) merged with another's: the running maximum, the rescaled sums. */
__device__ __forceinline__ void softmax_merge(float& m, float& l, float* acc, int n, float mo, float lo, const float* acco) {
	const float mNew = fmaxf(m, mo);
	if (mNew == -INFINITY) {
		return;
	}
	const float a = __expf(m - mNew), b = __expf(mo - mNew);
	l = l * a + lo * b;
	for (int j = 0; j < n; j++) {
		acc[j] = acc[j] * a + acco[j] * b;
	}
	m = mNew;
}

/**
 * attention_split with 16-byte loads: a key row is read by G lanes (16 bytes each), so that a warp takes 32 / G keys
 * at once and every lane has a key's and a value's load in flight, instead of a warp walking one key at a time.
 * The G-lane groups keep their own softmax state and merge by shuffles before the warps merge as attention_split's
 * do. Needs headSize to be a multiple of 8 (F16) or 4 (F32), at most ATT_MAX_HEAD.
 */
template <bool F16CACHE> __device__ void attention_wide(const float* q, const void* keys, const void* vals, const int* positions, int heads,
		int kvHeads, int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq, float2* xds) {
	constexpr int VEC = F16CACHE ? 8 : 4, PER = 8; // a lane holds at most 8 of a row's values (ATT_MAX_HEAD / 32)
	__shared__ float qs[ATT_MAX_HEAD];
	__shared__ float wm[ATT_WARPS], wl[ATT_WARPS];
	__shared__ float wacc[ATT_WARPS][ATT_MAX_HEAD];
	const int h = blockIdx.x, i = blockIdx.y, s = blockIdx.z;
	const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
	const int kvh = h / (heads / kvHeads);
	const int kvCols = kvHeads * headSize;
	const float* qr = q + (long) i * heads * headSize + h * headSize;
	const float scale = rsqrtf(static_cast<float>(headSize));
	for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
		qs[d] = qr[d] * scale;
	}
	__syncthreads();
	const int chunks = headSize / VEC;
	int G = 1;
	while (G < chunks && G < 32) {
		G *= 2;
	}
	const int K = 32 / G, sub = lane / G, gl = lane % G;
	const int mine = gl < chunks ? (chunks - gl + G - 1) / G : 0; // this lane's 16-byte pieces of a row: gl, gl + G, …
	float qv[PER], acc[PER];
#pragma unroll
	for (int j = 0; j < PER; j++) {
		const int c = gl + G * (j / VEC);
		qv[j] = j / VEC < mine ? qs[c * VEC + j % VEC] : 0.0f;
		acc[j] = 0.0f;
	}
	const int last = min(positions[i], cacheRows - 1);
	const int from = s * chunk, to = min(from + chunk, last + 1);
	float m = -INFINITY, l = 0.0f;
	for (int tb = from + warp * K; tb < to; tb += ATT_WARPS * K) {
		const int t = tb + sub;
		const bool valid = t < to;
		const long base = (long) t * kvCols + kvh * headSize;
		float kv[PER], vv[PER];
#pragma unroll
		for (int p = 0; p < PER / VEC; p++) {
			if (valid && p < mine) {
				cache_chunk<F16CACHE>(keys, base + (gl + G * p) * VEC, kv + p * VEC);
				cache_chunk<F16CACHE>(vals, base + (gl + G * p) * VEC, vv + p * VEC);
			} else {
#pragma unroll
				for (int e = 0; e < VEC; e++) {
					kv[p * VEC + e] = 0.0f;
					vv[p * VEC + e] = 0.0f;
				}
			}
		}
		float dot = 0.0f;
#pragma unroll
		for (int j = 0; j < PER; j++) {
			dot += qv[j] * kv[j];
		}
		for (int o = G / 2; o > 0; o /= 2) {
			dot += __shfl_xor_sync(0xFFFFFFFFu, dot, o);
		}
		if (valid) {
			const float mNew = fmaxf(m, dot);
			const float correction = __expf(m - mNew), p = __expf(dot - mNew);
			l = l * correction + p;
#pragma unroll
			for (int j = 0; j < PER; j++) {
				acc[j] = acc[j] * correction + p * vv[j];
			}
			m = mNew;
		}
	}
	// the warp's K groups hold other keys of the same dimensions: merge them
	for (int o = G; o < 32; o *= 2) {
		const float mo = __shfl_xor_sync(0xFFFFFFFFu, m, o), lo = __shfl_xor_sync(0xFFFFFFFFu, l, o);
		float acco[PER];
#pragma unroll
		for (int j = 0; j < PER; j++) {
			acco[j] = __shfl_xor_sync(0xFFFFFFFFu, acc[j], o);
		}
		softmax_merge(m, l, acc, PER, mo, lo, acco);
	}
	if (lane == 0) {
		wm[warp] = m;
		wl[warp] = l;
	}
	if (sub == 0) {
#pragma unroll
		for (int j = 0; j < PER; j++) {
			if (j / VEC < mine) {
				wacc[warp][(gl + G * (j / VEC)) * VEC + j % VEC] = acc[j];
			}
		}
	}
	__syncthreads();
	attention_finish(wm, wl, wacc, headSize, i, h, s, heads, splits, out, partial, counters, xq, xds);
}

extern "C" __global__ void attention_f16(const float* q, const void* keys, const void* vals, const int* positions, int heads, int kvHeads,
		int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq,
		float2* xds) {
	attention_split<true>(q, keys, vals, positions, heads, kvHeads, headSize, cacheRows, chunk, splits, out, partial, counters, xq, xds);
}

extern "C" __global__ void attention_f32(const float* q, const void* keys, const void* vals, const int* positions, int heads, int kvHeads,
		int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq,
		float2* xds) {
	attention_split<false>(q, keys, vals, positions, heads, kvHeads, headSize, cacheRows, chunk, splits, out, partial, counters, xq, xds);
}

extern "C" __global__ void attention_wide_f16(const float* q, const void* keys, const void* vals, const int* positions, int heads, int kvHeads,
		int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq,
		float2* xds) {
	attention_wide<true>(q, keys, vals, positions, heads, kvHeads, headSize, cacheRows, chunk, splits, out, partial, counters, xq, xds);
}

extern "C" __global__ void attention_wide_f32(const float* q, const void* keys, const void* vals, const int* positions, int heads, int kvHeads,
		int headSize, int cacheRows, int chunk, int splits, float* out, float* partial, int* counters, int8_t* xq,
		float2* xds) {
	attention_wide<false>(q, keys, vals, positions, heads, kvHeads, headSize, cacheRows, chunk, splits, out, partial, counters, xq, xds);
}

// ---- diffusion operations ------------------------------------------------------------------------------------------
// Images are stored a pixel per row (pixels × channels, row-major pixels), F32; parameters (norm scales, biases) and
// convolution weights are F32, F16 or BF16 (the suffix of each kernel's name). The CPU backend's CpuCompute is the
// reference these are checked against (releng/gpu/ComputeCheck.java).

/** x·Φ(x) with the exact normal CDF, as PyTorch's default GELU. */
__device__ __forceinline__ float gelu_exact(float x) {
	return 0.5f * x * erfcf(-x * 0.70710678118654752f);
}

/** f: 0 SiLU, 1 GELU, 2 quick GELU (x·σ(1.702x), OpenAI CLIP's). out may be x. */
extern "C" __global__ void activation(const float* x, float* out, long count, int f) {
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < count; i += (long) gridDim.x * blockDim.x) {
		float v = x[i];
		out[i] = f == 1 ? gelu_exact(v) : v / (1.0f + expf(f == 0 ? -v : -1.702f * v));
	}
}

/** out (n × d) = x[:, :d] · gelu(x[:, d:]) for x (n × 2d). */
extern "C" __global__ void geglu(const float* x, float* out, long n, int d) {
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < n * d; i += (long) gridDim.x * blockDim.x) {
		long r = i / d;
		int c = i % d;
		out[i] = x[r * 2 * d + c] * gelu_exact(x[r * 2 * d + d + c]);
	}
}

template <int T> __device__ void bias_rows(float* out, const uint8_t* bias, long count, int cols) {
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < count; i += (long) gridDim.x * blockDim.x) {
		out[i] += value<T>(bias, i % cols);
	}
}

/** Per row: (x − mean) / sqrt(var + eps) · weight + bias, one block a row, the variance from the mean (two passes). */
template <int T> __device__ void layer_norm(const float* x, const uint8_t* weight, const uint8_t* bias, float* out, int cols, float eps) {
	const float* row = x + (long) blockIdx.x * cols;
	float* o = out + (long) blockIdx.x * cols;
	float s = 0.0f;
	for (int i = threadIdx.x; i < cols; i += blockDim.x) {
		s += row[i];
	}
	float mean = block_sum(s) / cols;
	float ss = 0.0f;
	for (int i = threadIdx.x; i < cols; i += blockDim.x) {
		float d = row[i] - mean;
		ss += d * d;
	}
	float inv = rsqrtf(block_sum(ss) / cols + eps);
	for (int i = threadIdx.x; i < cols; i += blockDim.x) {
		o[i] = (row[i] - mean) * inv * value<T>(weight, i) + value<T>(bias, i);
	}
}

/**
 * GroupNorm's statistics in two steps, so that a large image keeps the GPU busy: block (g, s) takes chunk s of group g's
 * values (its channels over every pixel) and writes their count, mean and squared deviations from that mean;
 * group_stats combines a group's chunks (Chan's parallel formula, in double) into stats[2g] = mean,
 * stats[2g + 1] = 1 / sqrt(var + eps).
 */
extern "C" __global__ void group_partials(const float* x, float* partials, long pixels, int cols, int groups, long chunk) {
	const int per = cols / groups, g = blockIdx.x;
	x += blockIdx.z * pixels * cols; // a batch's image z; its groups' statistics follow the image before's
	const long count = pixels * per, begin = blockIdx.y * chunk, end = min(count, begin + chunk);
	float s = 0.0f;
	for (long i = begin + threadIdx.x; i < end; i += blockDim.x) {
		s += x[(i / per) * cols + g * per + i % per];
	}
	const long n = max(end - begin, 0L);
	const float mean = n > 0 ? block_sum(s) / n : block_sum(0.0f);
	float ss = 0.0f;
	for (long i = begin + threadIdx.x; i < end; i += blockDim.x) {
		float d = x[(i / per) * cols + g * per + i % per] - mean;
		ss += d * d;
	}
	const float m2 = block_sum(ss);
	if (threadIdx.x == 0) {
		float* p = partials + 3L * (((long) blockIdx.z * groups + g) * gridDim.y + blockIdx.y);
		p[0] = (float) n;
		p[1] = mean;
		p[2] = m2;
	}
}

extern "C" __global__ void group_stats(const float* partials, float* stats, int groups, int chunks, float eps) {
	const int g = blockIdx.x * blockDim.x + threadIdx.x;
	if (g >= groups) {
		return;
	}
	double n = 0.0, mean = 0.0, m2 = 0.0;
	for (int c = 0; c < chunks; c++) {
		const float* p = partials + 3L * ((long) g * chunks + c);
		double nb = p[0];
		if (nb == 0.0) {
			continue;
		}
		double delta = p[1] - mean, total = n + nb;
		mean += delta * nb / total;
		m2 += p[2] + delta * delta * n * nb / total;
		n = total;
	}
	stats[2 * g] = (float) mean;
	stats[2 * g + 1] = rsqrtf((float) (m2 / n) + eps);
}

template <int T> __device__ void group_norm(const float* x, const float* stats, const uint8_t* weight, const uint8_t* bias, float* out, long count,
		int cols, int per, int silu, long imageValues) {
	const int groups = cols / per;
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < count; i += (long) gridDim.x * blockDim.x) {
		int c = i % cols;
		int g = (int) (i / imageValues) * groups + c / per;
		float y = (x[i] - stats[2 * g]) * stats[2 * g + 1] * value<T>(weight, c) + value<T>(bias, c);
		out[i] = silu ? y / (1.0f + expf(-y)) : y;
	}
}

/**
 * The receptive fields of output pixels first … first + pixels − 1 (of a batch's images one after another, outPixels
 * each) as rows of inC·kernel² values in the weights' [in][ky][kx] order (zeros outside the pixel's image), for a matrix
 * product with the convolution's weights: F32, or F16 as cuBLAS takes them (no conversion pass over the patches). A
 * thread per (pixel, input channel): a warp reads neighbouring channels of one pixel (coalesced) and writes its kernel²
 * values side by side; 32-bit indices within a slice (the host slices patches to fit).
 */
template <typename P> __device__ void im2col(const float* x, P* patches, int height, int width, int inC, int kernel, int stride, int padding,
		int outW, long first, long pixels, long outPixels) {
	int k2 = kernel * kernel;
	int length = inC * k2;
	int n = (int) pixels * inC;
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
		int q = i / inC, c = i - q * inC;
		long image = (first + q) / outPixels;
		int p = (int) (first + q - image * outPixels);
		int y0 = p / outW * stride - padding, x0 = p % outW * stride - padding;
		P* row = patches + (long) q * length + c * k2;
		const float* img = x + image * height * width * inC;
		for (int ky = 0; ky < kernel; ky++) {
			int iy = y0 + ky;
			bool inside = iy >= 0 && iy < height;
			const float* line = img + (long) iy * width * inC + c;
			for (int kx = 0; kx < kernel; kx++) {
				int ix = x0 + kx;
				row[ky * kernel + kx] = (P) (inside && ix >= 0 && ix < width ? line[(long) ix * inC] : 0.0f);
			}
		}
	}
}

extern "C" __global__ void im2col_f32(const float* x, float* patches, int height, int width, int inC, int kernel, int stride, int padding, int outW,
		long first, long pixels, long outPixels) {
	im2col<float>(x, patches, height, width, inC, kernel, stride, padding, outW, first, pixels, outPixels);
}

extern "C" __global__ void im2col_f16(const float* x, half* patches, int height, int width, int inC, int kernel, int stride, int padding, int outW,
		long first, long pixels, long outPixels) {
	im2col<half>(x, patches, height, width, inC, kernel, stride, padding, outW, first, pixels, outPixels);
}

/**
 * K or V (rows × heads·d, F32) as F16 with each head's values padded to dp8 (d rounded up to 8, zeros): rows of
 * heads·dp8, so that the attention kernels read whole 16-byte chunks, aligned. Grid-stride.
 */
extern "C" __global__ void heads_to_f16(const float* x, half* out, long rows, int heads, int d, int dp8) {
	const long count = rows * heads * dp8;
	for (long i = global_thread(); i < count; i += grid_threads()) {
		const int e = i % dp8;
		const long rh = i / dp8;
		out[i] = __float2half(e < d ? x[rh / heads * heads * d + rh % heads * d + e] : 0.0f);
	}
}

/**
 * A key tile's rows t0 … t0 + ROWS − 1 of one head (padded F16, rows of stride halves, the head at offset), in CH
 * 16-byte chunks a thread: fetched into registers while the tile before is computed, then stored to shared memory.
 * Rows past m and chunks past the head's padded width (up to its 16-wide tiles) are zeros.
 */
template <int ROWS, int CH> struct KeyTile {
	uint4 chunk[CH];

	__device__ void fetch(const half* src, int t0, int m, long stride, long offset, int chunks, int width8) {
#pragma unroll
		for (int j = 0; j < CH; j++) {
			const int i = threadIdx.x + j * blockDim.x, row = i / chunks, c = i % chunks;
			chunk[j] = i < ROWS * chunks && t0 + row < m && c < width8
					? *reinterpret_cast<const uint4*>(src + (t0 + row) * stride + offset + c * 8)
					: make_uint4(0, 0, 0, 0);
		}
	}

	__device__ void store(half* dst, int ld, int chunks) const {
#pragma unroll
		for (int j = 0; j < CH; j++) {
			const int i = threadIdx.x + j * blockDim.x;
			if (i < ROWS * chunks) {
				*reinterpret_cast<uint4*>(dst + (i / chunks) * ld + (i % chunks) * 8) = chunk[j];
			}
		}
	}
};

/**
 * Multi-head attention on tensor cores, the score matrix never stored whole: a block of 4 warps takes 64 query rows of
 * one head, each warp 16 rows, and walks the keys in tiles of KT. WMMA fragments have no documented element order, so
 * the softmax cannot rescale a running output held in them; instead a first pass over the keys finds each row's max and
 * sum, and a second computes the normalised probabilities (F16) and accumulates P·V in fragments that are never
 * rescaled: Q·Kᵀ runs twice, still on tensor cores. Q (scaled), K, V and P are F16 (K and V converted once, before),
 * accumulation F32. Head sizes up to MAXD (padded to 16 with zeros); grid (ceil(n / 64), heads), 128 threads.
 */
template <int MAXD, int KT> __device__ void flash_attention(const float* q, const half* k, const half* v, float* out, int n, int m,
		int heads, int d, int causal, float scale) {
	constexpr int LD = MAXD + 8, F = MAXD / 16, CH = (KT * MAXD / 8 + 127) / 128;
	// K then V; at the start the 64 scaled query rows, before each warp moves its 16 into fragments
	__shared__ __align__(32) half kv[2 * (KT > 32 ? KT : 32) * LD];
	__shared__ __align__(32) float scores[4][16 * KT];
	half* ks = kv;
	half* vs = kv + KT * LD;
	const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
	const int r0 = blockIdx.x * 64, h = blockIdx.y;
	const long cols = (long) heads * d;
	const int dp = (d + 15) & ~15;
	for (int i = tid; i < 64 * dp; i += blockDim.x) {
		int r = i / dp, e = i % dp;
		kv[r * LD + e] = __float2half(r0 + r < n && e < d ? q[(r0 + r) * cols + (long) h * d + e] * scale : 0.0f);
	}
	__syncthreads();
	wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> qf[F];
	wmma::fragment<wmma::accumulator, 16, 16, 16, float> of[F];
#pragma unroll
	for (int f = 0; f < F; f++) {
		if (f * 16 < dp) {
			wmma::load_matrix_sync(qf[f], kv + warp * 16 * LD + f * 16, LD);
		}
		wmma::fill_fragment(of[f], 0.0f);
	}
	__syncthreads();
	float* s = scores[warp];
	// two lanes a row, each KT/2 of a tile's keys
	const int row = lane >> 1, r = r0 + warp * 16 + row, c0 = (lane & 1) * (KT / 2);
	const int keys = causal ? min(m, r0 + 64) : m;
	// K and V as heads_to_f16 padded them; a tile row is dp / 8 chunks, those past dp8 zeros
	const int dp8 = (d + 7) & ~7, chunks = dp / 8;
	const long stride = (long) heads * dp8, offset = (long) h * dp8;
	// pass 0 over the key tiles, then pass 1; each step fetches the next step's tile before computing its own
	const int tiles = (keys + KT - 1) / KT;
	KeyTile<KT, CH> kt, vt;
	kt.fetch(k, 0, m, stride, offset, chunks, dp8 / 8);
	float rowMax = -INFINITY, rowSum = 0.0f;
	for (int step = 0; step < 2 * tiles; step++) {
		const int pass = step >= tiles, t0 = (step - pass * tiles) * KT;
		{
			kt.store(ks, LD, chunks);
			if (pass == 1) {
				vt.store(vs, LD, chunks);
			}
			__syncthreads();
			if (step + 1 < 2 * tiles) {
				const int next = step + 1 >= tiles, nt0 = (step + 1 - next * tiles) * KT;
				kt.fetch(k, nt0, m, stride, offset, chunks, dp8 / 8);
				if (next == 1) {
					vt.fetch(v, nt0, m, stride, offset, chunks, dp8 / 8);
				}
			}
#pragma unroll
			for (int j = 0; j < KT / 16; j++) {
				wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
				wmma::fill_fragment(acc, 0.0f);
#pragma unroll
				for (int f = 0; f < F; f++) {
					if (f * 16 < dp) {
						wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> b;
						wmma::load_matrix_sync(b, ks + j * 16 * LD + f * 16, LD);
						wmma::mma_sync(acc, qf[f], b, acc);
					}
				}
				wmma::store_matrix_sync(s + j * 16, acc, KT, wmma::mem_row_major);
			}
			__syncwarp();
			float x[KT / 2];
			float tileMax = -INFINITY;
#pragma unroll
			for (int c = 0; c < KT / 2; c++) {
				int t = t0 + c0 + c;
				x[c] = t < m && (!causal || t <= r) ? s[row * KT + c0 + c] : -INFINITY;
				tileMax = fmaxf(tileMax, x[c]);
			}
			if (pass == 0) {
				tileMax = fmaxf(tileMax, __shfl_xor_sync(0xffffffff, tileMax, 1));
				float newMax = fmaxf(rowMax, tileMax);
				if (newMax != -INFINITY) {
					float sum = 0.0f;
#pragma unroll
					for (int c = 0; c < KT / 2; c++) {
						sum += __expf(x[c] - newMax);
					}
					sum += __shfl_xor_sync(0xffffffff, sum, 1);
					rowSum = rowSum * __expf(rowMax - newMax) + sum;
					rowMax = newMax;
				}
			} else {
				__syncwarp();
				half* p = reinterpret_cast<half*>(s);
				float inv = 1.0f / rowSum;
#pragma unroll
				for (int c = 0; c < KT / 2; c++) {
					p[row * KT + c0 + c] = __float2half(x[c] == -INFINITY ? 0.0f : __expf(x[c] - rowMax) * inv);
				}
				__syncwarp();
#pragma unroll
				for (int j = 0; j < KT / 16; j++) {
					wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
					wmma::load_matrix_sync(a, p + j * 16, KT);
#pragma unroll
					for (int f = 0; f < F; f++) {
						if (f * 16 < dp) {
							wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> b;
							wmma::load_matrix_sync(b, vs + j * 16 * LD + f * 16, LD);
							wmma::mma_sync(of[f], a, b, of[f]);
						}
					}
				}
			}
			__syncthreads();
		}
	}
	// out, 16 columns at a time through the warp's score tile
#pragma unroll
	for (int f = 0; f < F; f++) {
		if (f * 16 < dp) {
			wmma::store_matrix_sync(s, of[f], 16, wmma::mem_row_major);
			__syncwarp();
			for (int i = lane; i < 256; i += 32) {
				int rr = r0 + warp * 16 + i / 16, e = f * 16 + i % 16;
				if (rr < n && e < d) {
					out[rr * cols + (long) h * d + e] = s[i];
				}
			}
			__syncwarp();
		}
	}
}

/** A batch's run z (grid z) of n queries and m keys: q and out at its first query row, k and v (padded) at its first key. */
#define BATCH_RUN                                                                 \
	q += (long) blockIdx.z * n * heads * d;                                       \
	out += (long) blockIdx.z * n * heads * d;                                     \
	k += (long) blockIdx.z * m * heads * ((d + 7) & ~7);                          \
	v += (long) blockIdx.z * m * heads * ((d + 7) & ~7);

/**
 * flash_attention for heads too wide for one warp's fragments (the VAE's single 512-wide head): 8 warps take 32 query
 * rows, two row groups of four warps, each warp a quarter of the head's 16-wide column slices. A warp's partial Q·Kᵀ
 * over its slices goes to shared memory, where the block sums the four, and accumulates P·V for its own slices. Keys
 * in tiles of 16, two passes as flash_attention; grid (ceil(n / 32), heads), 256 threads; d ≤ 512.
 */
constexpr int WIDE_MAXD = 512, WIDE_LD = WIDE_MAXD + 8, WIDE_KT = 16;
extern "C" __global__ void __launch_bounds__(256) flash_attention_wide(const float* q, const half* k, const half* v, float* out, int n,
		int m, int heads, int d, int causal, float scale) {
	constexpr int SLICES = WIDE_MAXD / 16 / 4; // a warp's column slices
	BATCH_RUN
	// K then V; at the start the 32 scaled query rows
	__shared__ __align__(32) half kv[2 * WIDE_KT * WIDE_LD];
	__shared__ __align__(32) float partial[8][16 * 16];
	__shared__ __align__(32) half probabilities[2][16 * 16];
	half* ks = kv;
	half* vs = kv + WIDE_KT * WIDE_LD;
	const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, group = warp >> 2, quarter = warp & 3;
	const int r0 = blockIdx.x * 32, h = blockIdx.y;
	const long cols = (long) heads * d;
	const int dp = (d + 15) & ~15, slices = dp / 16;
	for (int i = tid; i < 32 * dp; i += blockDim.x) {
		int r = i / dp, e = i % dp;
		kv[r * WIDE_LD + e] = __float2half(r0 + r < n && e < d ? q[(r0 + r) * cols + (long) h * d + e] * scale : 0.0f);
	}
	__syncthreads();
	wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> qf[SLICES];
	wmma::fragment<wmma::accumulator, 16, 16, 16, float> of[SLICES];
#pragma unroll
	for (int i = 0; i < SLICES; i++) {
		int f = quarter + 4 * i;
		if (f < slices) {
			wmma::load_matrix_sync(qf[i], kv + group * 16 * WIDE_LD + f * 16, WIDE_LD);
		}
		wmma::fill_fragment(of[i], 0.0f);
	}
	__syncthreads();
	// eight threads a row of the 16-key tile, two keys each
	const int row = tid >> 3, r = r0 + row, c0 = (tid & 7) * 2;
	const int keys = causal ? min(m, r0 + 32) : m;
	// as flash_attention: padded F16 K and V, the next step's tile fetched before this one is computed
	const int dp8 = (d + 7) & ~7, chunks = dp / 8;
	const long stride = (long) heads * dp8, offset = (long) h * dp8;
	const int tiles = (keys + WIDE_KT - 1) / WIDE_KT;
	KeyTile<WIDE_KT, WIDE_KT * WIDE_MAXD / 8 / 256> kt, vt;
	kt.fetch(k, 0, m, stride, offset, chunks, dp8 / 8);
	float rowMax = -INFINITY, rowSum = 0.0f;
	for (int step = 0; step < 2 * tiles; step++) {
		const int pass = step >= tiles, t0 = (step - pass * tiles) * WIDE_KT;
		{
			kt.store(ks, WIDE_LD, chunks);
			if (pass == 1) {
				vt.store(vs, WIDE_LD, chunks);
			}
			__syncthreads();
			if (step + 1 < 2 * tiles) {
				const int next = step + 1 >= tiles, nt0 = (step + 1 - next * tiles) * WIDE_KT;
				kt.fetch(k, nt0, m, stride, offset, chunks, dp8 / 8);
				if (next == 1) {
					vt.fetch(v, nt0, m, stride, offset, chunks, dp8 / 8);
				}
			}
			wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
			wmma::fill_fragment(acc, 0.0f);
#pragma unroll
			for (int i = 0; i < SLICES; i++) {
				int f = quarter + 4 * i;
				if (f < slices) {
					wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> b;
					wmma::load_matrix_sync(b, ks + f * 16, WIDE_LD);
					wmma::mma_sync(acc, qf[i], b, acc);
				}
			}
			wmma::store_matrix_sync(partial[warp], acc, 16, wmma::mem_row_major);
			__syncthreads();
			const int g = row >> 4, rr = row & 15;
			float x[2];
			float tileMax = -INFINITY;
#pragma unroll
			for (int c = 0; c < 2; c++) {
				int t = t0 + c0 + c, at = rr * 16 + c0 + c;
				float sum = partial[g * 4][at] + partial[g * 4 + 1][at] + partial[g * 4 + 2][at] + partial[g * 4 + 3][at];
				x[c] = t < m && (!causal || t <= r) ? sum : -INFINITY;
				tileMax = fmaxf(tileMax, x[c]);
			}
			if (pass == 0) {
#pragma unroll
				for (int o = 1; o < 8; o <<= 1) {
					tileMax = fmaxf(tileMax, __shfl_xor_sync(0xffffffff, tileMax, o));
				}
				float newMax = fmaxf(rowMax, tileMax);
				if (newMax != -INFINITY) {
					float sum = __expf(x[0] - newMax) + __expf(x[1] - newMax);
#pragma unroll
					for (int o = 1; o < 8; o <<= 1) {
						sum += __shfl_xor_sync(0xffffffff, sum, o);
					}
					rowSum = rowSum * __expf(rowMax - newMax) + sum;
					rowMax = newMax;
				}
			} else {
				float inv = 1.0f / rowSum;
#pragma unroll
				for (int c = 0; c < 2; c++) {
					probabilities[g][rr * 16 + c0 + c] = __float2half(x[c] == -INFINITY ? 0.0f : __expf(x[c] - rowMax) * inv);
				}
				__syncthreads();
				wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> a;
				wmma::load_matrix_sync(a, probabilities[group], 16);
#pragma unroll
				for (int i = 0; i < SLICES; i++) {
					int f = quarter + 4 * i;
					if (f < slices) {
						wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> b;
						wmma::load_matrix_sync(b, vs + f * 16, WIDE_LD);
						wmma::mma_sync(of[i], a, b, of[i]);
					}
				}
			}
			__syncthreads();
		}
	}
#pragma unroll
	for (int i = 0; i < SLICES; i++) {
		int f = quarter + 4 * i;
		if (f < slices) {
			wmma::store_matrix_sync(partial[warp], of[i], 16, wmma::mem_row_major);
			__syncwarp();
			for (int j = lane; j < 256; j += 32) {
				int rr = r0 + group * 16 + j / 16, e = f * 16 + j % 16;
				if (rr < n && e < d) {
					out[rr * cols + (long) h * d + e] = partial[warp][j];
				}
			}
			__syncwarp();
		}
	}
}

// 40-, 64- and 80-wide heads (SD 1.x's first levels, CLIP, SD 2.x, SDXL) and up to 160 (SD 1.x's deepest): 32-key tiles
extern "C" __global__ void __launch_bounds__(128) flash_attention_80(const float* q, const half* k, const half* v, float* out, int n, int m,
		int heads, int d, int causal, float scale) {
	BATCH_RUN
	flash_attention<80, 32>(q, k, v, out, n, m, heads, d, causal, scale);
}
extern "C" __global__ void __launch_bounds__(128) flash_attention_160(const float* q, const half* k, const half* v, float* out, int n,
		int m, int heads, int d, int causal, float scale) {
	BATCH_RUN
	flash_attention<160, 32>(q, k, v, out, n, m, heads, d, causal, scale);
}

/** Nearest-neighbour 2× upsampling of a height × width image stored a pixel per row. */
extern "C" __global__ void upsample_nearest2x(const float* x, float* out, int height, int width, int cols) {
	long count = 4L * height * width * cols;
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < count; i += (long) gridDim.x * blockDim.x) {
		long p = i / cols;
		int c = i % cols;
		long oy = p / (2 * width), ox = p % (2 * width);
		out[i] = x[((oy / 2) * width + ox / 2) * cols + c];
	}
}

/** Zero padding of a height × width image stored a pixel per row: top/left rows and columns before it, out outW wide. */
extern "C" __global__ void pad_image(const float* x, float* out, int height, int width, int top, int left, int outH, int outW, int cols) {
	long count = (long) outH * outW * cols;
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < count; i += (long) gridDim.x * blockDim.x) {
		long p = i / cols;
		int c = i % cols;
		int y = (int) (p / outW) - top, xx = (int) (p % outW) - left;
		out[i] = y >= 0 && y < height && xx >= 0 && xx < width ? x[((long) y * width + xx) * cols + c] : 0.0f;
	}
}

/** out[r] = a[r] ‖ b[r]. */
extern "C" __global__ void concat_columns(const float* a, const float* b, float* out, long rows, int ac, int bc) {
	long cols = ac + bc;
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < rows * cols; i += (long) gridDim.x * blockDim.x) {
		long r = i / cols;
		int c = i % cols;
		out[i] = c < ac ? a[r * ac + c] : b[r * bc + c - ac];
	}
}

/**
 * Stable Diffusion's sinusoidal timestep embedding, in the CPU backend's arithmetic (float exponent, its exp, the
 * float product with t; cos and sin of that float).
 */
extern "C" __global__ void timestep_embedding(const float* t, float* out, int n, int half) {
	const float logPeriod = -9.210340371976184f; // (float) -ln 10000
	for (long i = blockIdx.x * (long) blockDim.x + threadIdx.x; i < (long) n * half; i += (long) gridDim.x * blockDim.x) {
		int r = i / half, j = i % half;
		float frequency = (float) exp((double) (logPeriod * j / half));
		float angle = t[r] * frequency;
		out[(long) r * 2 * half + j] = (float) cos((double) angle);
		out[(long) r * 2 * half + half + j] = (float) sin((double) angle);
	}
}

#define DIFFUSION_KERNELS(name, T)                                                                                                  \
	extern "C" __global__ void bias_rows_##name(float* out, const uint8_t* bias, long count, int cols) {                             \
		bias_rows<T>(out, bias, count, cols);                                                                                        \
	}                                                                                                                                \
	extern "C" __global__ void layer_norm_##name(const float* x, const uint8_t* weight, const uint8_t* bias, float* out, int cols,  \
			float eps) {                                                                                                             \
		layer_norm<T>(x, weight, bias, out, cols, eps);                                                                              \
	}                                                                                                                                \
	extern "C" __global__ void group_norm_##name(const float* x, const float* stats, const uint8_t* weight, const uint8_t* bias,    \
			float* out, long count, int cols, int per, int silu, long imageValues) {                                                 \
		group_norm<T>(x, stats, weight, bias, out, count, cols, per, silu, imageValues);                                             \
	}
DIFFUSION_KERNELS(f32, F32)
DIFFUSION_KERNELS(f16, F16)
DIFFUSION_KERNELS(bf16, BF16)
