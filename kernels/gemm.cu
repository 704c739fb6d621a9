// FP16 GEMM on tensor cores through WMMA (sm_70+; Atelier builds it for sm_75 on): C = A·Bᵀ with A (M×K) and
// B (N×K) row-major, K contiguous in both (as weights [out, in] are stored), C (M×N) row-major FP16, accumulated
// in FP32 as cuBLAS does by default. Hopper gets gemm_sm90.cu (wgmma) instead; this is every other GPU's.
//
// A block of 8 warps (2 × 4) computes a 128×128 tile of C, each warp a 64×32 sub-tile of 4×2 16×16 fragments.
// K advances BK at a time through a shared-memory ring of 3 tiles filled by cp.async (sm_80+; plain loads on
// sm_75), so loads of later tiles overlap the multiply-adds of this one. Rows are padded by 8 halves to spread
// fragment loads over the shared-memory banks. BK is 32: 61,440 bytes of dynamic shared memory, which every target
// has (a BK-64 variant measured no faster on an H100 in releng/gpu/kernels_check.py; the limit there is WMMA's
// mma.sync path, which gemm_sm90.cu lifts). M and N must be multiples of 128, K of 32.
#include <mma.h>
#include <cuda_fp16.h>

using namespace nvcuda;

__device__ __forceinline__ void copy16(void* shared, const void* global) {
#if __CUDA_ARCH__ >= 800
	unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(shared));
	asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(global));
#else
	*static_cast<uint4*>(shared) = *static_cast<const uint4*>(global);
#endif
}

__device__ __forceinline__ void commit() {
#if __CUDA_ARCH__ >= 800
	asm volatile("cp.async.commit_group;\n" ::);
#endif
}

template <int PENDING> __device__ __forceinline__ void wait_copies() {
#if __CUDA_ARCH__ >= 800
	asm volatile("cp.async.wait_group %0;\n" ::"n"(PENDING));
#endif
}

constexpr int THREADS = 256;

template <int BM, int BN, int BK, int STAGES> constexpr int shared_bytes() {
	return STAGES * (BM * (BK + 8) + BN * (BK + 8)) * 2;
}

template <int BM, int BN, int BK, int STAGES>
__device__ __forceinline__ void gemm(const half* __restrict__ A, const half* __restrict__ B, half* __restrict__ C, int N, int K) {
	constexpr int LD = BK + 8;
	constexpr int A_STAGE = BM * LD, B_STAGE = BN * LD;
	constexpr int FM = BM / 2 / 16, FN = BN / 4 / 16; // fragments per warp along M and N
	extern __shared__ __align__(16) unsigned char shared[];
	half* as = reinterpret_cast<half*>(shared);
	half* bs = as + STAGES * A_STAGE;
	const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
	const int wm = warp >> 2, wn = warp & 3;
	const long bm = blockIdx.y * (long) BM, bn = blockIdx.x * (long) BN;

	auto load = [&](int stage, int k0) {
#pragma unroll
		for (int c = tid; c < BM * BK / 8; c += THREADS) { // BK / 8 chunks of 8 halves per row of A
			int r = c / (BK / 8), col = (c % (BK / 8)) * 8;
			copy16(as + stage * A_STAGE + r * LD + col, A + (bm + r) * K + k0 + col);
		}
#pragma unroll
		for (int c = tid; c < BN * BK / 8; c += THREADS) { // and per row of B
			int r = c / (BK / 8), col = (c % (BK / 8)) * 8;
			copy16(bs + stage * B_STAGE + r * LD + col, B + (bn + r) * K + k0 + col);
		}
	};

	wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[FM][FN];
#pragma unroll
	for (int i = 0; i < FM; i++) {
#pragma unroll
		for (int j = 0; j < FN; j++) {
			wmma::fill_fragment(acc[i][j], 0.0f);
		}
	}

	const int tiles = K / BK;
#pragma unroll
	for (int s = 0; s < STAGES - 1; s++) {
		if (s < tiles) {
			load(s, s * BK);
		}
		commit();
	}
	for (int t = 0; t < tiles; t++) {
		wait_copies<STAGES - 2>();
		__syncthreads(); // tile t has landed, and every warp is done with the stage refilled next
		int next = t + STAGES - 1;
		if (next < tiles) {
			load(next % STAGES, next * BK);
		}
		commit();
		const half* a = as + (t % STAGES) * A_STAGE;
		const half* b = bs + (t % STAGES) * B_STAGE;
#pragma unroll
		for (int kk = 0; kk < BK; kk += 16) {
			wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa[FM];
			wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb[FN]; // B's rows are Bᵀ's columns
#pragma unroll
			for (int i = 0; i < FM; i++) {
				wmma::load_matrix_sync(fa[i], a + (wm * FM * 16 + i * 16) * LD + kk, LD);
			}
#pragma unroll
			for (int j = 0; j < FN; j++) {
				wmma::load_matrix_sync(fb[j], b + (wn * FN * 16 + j * 16) * LD + kk, LD);
			}
#pragma unroll
			for (int i = 0; i < FM; i++) {
#pragma unroll
				for (int j = 0; j < FN; j++) {
					wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
				}
			}
		}
	}

	// Each warp converts its fragments to FP16 through 1 KiB of the (now idle) shared memory and stores rows of
	// 8 halves (16 bytes) per lane.
	wait_copies<0>();
	__syncthreads();
	float* scratch = reinterpret_cast<float*>(shared) + warp * 256;
	const int r = lane >> 1, c = (lane & 1) * 8;
#pragma unroll
	for (int i = 0; i < FM; i++) {
#pragma unroll
		for (int j = 0; j < FN; j++) {
			wmma::store_matrix_sync(scratch, acc[i][j], 16, wmma::mem_row_major);
			__syncwarp();
			__align__(16) half2 h[4];
#pragma unroll
			for (int q = 0; q < 4; q++) {
				h[q] = __floats2half2_rn(scratch[r * 16 + c + 2 * q], scratch[r * 16 + c + 2 * q + 1]);
			}
			*reinterpret_cast<uint4*>(C + (bm + wm * FM * 16 + i * 16 + r) * N + bn + wn * FN * 16 + j * 16 + c) =
					*reinterpret_cast<uint4*>(h);
			__syncwarp();
		}
	}
}

static_assert(shared_bytes<128, 128, 32, 3>() == 61440, "atelier bench launches gemm_fp16 with 61,440 bytes");

extern "C" __global__ void __launch_bounds__(THREADS) gemm_fp16(const half* __restrict__ A, const half* __restrict__ B, half* __restrict__ C,
		int M, int N, int K) {
	gemm<128, 128, 32, 3>(A, B, C, N, K);
}
