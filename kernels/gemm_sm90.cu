// FP16 GEMM for Hopper (sm_90a only) on wgmma, the warpgroup-wide asynchronous tensor-core instruction that
// WMMA and mma.sync cannot reach: C = A·Bᵀ with A (M×K) and B (N×K) both row-major (K contiguous, as weights
// [out, in] are stored), C (M×N) row-major FP16, accumulated in FP32.
//
// A block of two warpgroups (256 threads) computes a 128×256 tile of C; each warpgroup owns 64 rows and keeps
// its 64×256 FP32 accumulator in registers (128 per thread). K advances 64 at a time through a 4-stage ring
// in shared memory filled by cp.async; every tile is stored in the 128-byte-swizzled K-major layout that
// wgmma's shared-memory descriptors describe (8-row atoms of 128-byte rows, 16-byte chunks XORed with the row
// number), so four m64n256k16 instructions consume a stage, and one tile's instructions run while the next
// tile is issued. M must be a multiple of 128, N of 256, K of 64. (No TMA and no producer/consumer warp
// specialisation yet: those are what cuBLAS has beyond this.)
#include <cuda_fp16.h>
#include <cstdint>

namespace {
constexpr int BM = 128, BN = 256, BK = 64, STAGES = 4, THREADS = 256;
constexpr int A_BYTES = BM * BK * 2, B_BYTES = BN * BK * 2, STAGE_BYTES = A_BYTES + B_BYTES;
}

static_assert(STAGES * STAGE_BYTES + 1024 == 197632, "atelier bench launches gemm_fp16_sm90 with 197,632 bytes");

__device__ __forceinline__ void copy16(uint32_t shared, const void* global) {
	asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(shared), "l"(global));
}

// A shared-memory matrix descriptor: start address, leading-byte offset (unused by swizzled K-major layouts),
// stride between 8-row atoms (1024 bytes), and the 128-byte swizzle mode.
__device__ __forceinline__ uint64_t descriptor(uint32_t address) {
	return (uint64_t) ((address & 0x3FFFF) >> 4) | (uint64_t) 1 << 16 | (uint64_t) (1024 >> 4) << 32 | (uint64_t) 1 << 62;
}

// Copies a rows×64 tile of a K-major matrix into the swizzled layout: row r's 16-byte chunk c goes to chunk c ^ (r % 8).
template <int ROWS>
__device__ __forceinline__ void load_tile(uint32_t shared, const half* global, long ld, int tid) {
#pragma unroll
	for (int i = tid; i < ROWS * 8; i += THREADS) {
		int r = i >> 3, c = i & 7;
		copy16(shared + r * 128 + ((c ^ (r & 7)) << 4), global + r * ld + c * 8);
	}
}

__device__ __forceinline__ void mma(float (&d)[128], uint64_t desc_a, uint64_t desc_b, int accumulate) {
	asm volatile(
			"{\n"
			".reg .pred p;\n"
			"setp.ne.b32 p, %130, 0;\n"
			"wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 "
			"{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, %96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, %112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127}, "
			"%128, %129, p, 1, 1, 0, 0;\n"
			"}\n"
			: "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
			: "l"(desc_a), "l"(desc_b), "r"(accumulate));
}

extern "C" __global__ void __launch_bounds__(THREADS, 1) gemm_fp16_sm90(const half* __restrict__ A, const half* __restrict__ B,
		half* __restrict__ C, int M, int N, int K) {
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
	extern __shared__ __align__(128) unsigned char raw[];
	// Swizzled tiles must start on 1024-byte boundaries (the swizzle pattern repeats every 8 rows of 128 bytes).
	const uint32_t base = (static_cast<uint32_t>(__cvta_generic_to_shared(raw)) + 1023) & ~1023u;
	const int tid = threadIdx.x, wg = tid >> 7;
	const long bm = blockIdx.y * (long) BM, bn = blockIdx.x * (long) BN;
	const half* a = A + bm * K;
	const half* b = B + bn * K;

	float d[128];
#pragma unroll
	for (int i = 0; i < 128; i++) {
		d[i] = 0.0f;
	}
	const int tiles = K / BK;
#pragma unroll
	for (int s = 0; s < STAGES - 1; s++) {
		if (s < tiles) {
			load_tile<BM>(base + s * STAGE_BYTES, a + s * BK, K, tid);
			load_tile<BN>(base + s * STAGE_BYTES + A_BYTES, b + s * BK, K, tid);
		}
		asm volatile("cp.async.commit_group;\n" ::);
	}
	for (int t = 0; t < tiles; t++) {
		asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
		// cp.async wrote through the generic proxy; wgmma reads through the async proxy.
		asm volatile("fence.proxy.async.shared::cta;\n" ::);
		__syncthreads();
		int next = t + STAGES - 1;
		uint32_t sa = base + (t % STAGES) * STAGE_BYTES + wg * 64 * 128;
		uint32_t sb = base + (t % STAGES) * STAGE_BYTES + A_BYTES;
		asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#pragma unroll
		for (int k = 0; k < BK / 16; k++) { // 16 halves = 32 bytes further along each swizzled row
			mma(d, descriptor(sa + k * 32), descriptor(sb + k * 32), t > 0 || k > 0);
		}
		asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
		// Tile t's multiply-adds stay in flight; tile t-1's are done in both warpgroups after the barrier, so its
		// stage can take tile t+3.
		asm volatile("wgmma.wait_group.sync.aligned 1;\n" ::: "memory");
		__syncthreads();
		if (next < tiles) {
			uint32_t stage = base + (next % STAGES) * STAGE_BYTES;
			load_tile<BM>(stage, a + (long) next * BK, K, tid);
			load_tile<BN>(stage + A_BYTES, b + (long) next * BK, K, tid);
		}
		asm volatile("cp.async.commit_group;\n" ::);
	}
	asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
	asm volatile("cp.async.wait_group 0;\n" ::);

	// The accumulator's layout: warp w of the warpgroup holds rows 16w … 16w+15; for each 8-column block j a lane
	// holds (row l/4, columns 8j + 2(l%4) and +1) and the same 8 rows further down.
	const int warp = (tid & 127) >> 5, lane = tid & 31;
	const long row = bm + wg * 64 + warp * 16 + (lane >> 2);
	const long col = bn + 2 * (lane & 3);
#pragma unroll
	for (int j = 0; j < BN / 8; j++) {
		*reinterpret_cast<half2*>(C + row * N + col + 8 * j) = __floats2half2_rn(d[4 * j], d[4 * j + 1]);
		*reinterpret_cast<half2*>(C + (row + 8) * N + col + 8 * j) = __floats2half2_rn(d[4 * j + 2], d[4 * j + 3]);
	}
#else
	__trap();
#endif
}
