// Integer dot products of quantised weight rows with 8-bit activations for the compute runtime's CPU backend (decode
// GEMV). Native because the Java Vector API has no widening byte dot product: x86's vpdpbusd (AVX-512 VNNI, AVX-VNNI)
// and vpmaddubsw (AVX2) multiply 32 byte pairs per instruction where the Vector API needs several to widen and add.
// Built by kernels/Makefile into the kernels bundle (native/linux-x86_64/libatelier_cpu.so); the backend keeps its
// Vector API path where this library cannot load.
//
// Layouts (GGUF): Q8_0 blocks are an F16 scale and 32 signed bytes; Q4_0 blocks an F16 scale and 16 bytes of 32
// four-bit values (low nibbles are values 0-15, high nibbles 16-31), each stored as value + 8. Activations come in
// blocks of 32 signed bytes (|q| <= 127) with one F32 scale per block (per 256 for the K-quants) and the sum of every
// 32. The K-quants' super-blocks of 256 (Q4_K 144 bytes, Q5_K 176, Q6_K 210) are laid out as KQuantWeights.java
// says; their sub-block sums stay integers until the super-block's scales multiply them.
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { Q8_0 = 0, Q4_0 = 1, Q4_K = 2, Q5_K = 3, Q6_K = 4 };

static float half_to_float(uint16_t h) {
	const uint32_t sign = (uint32_t) (h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
	uint32_t bits;
	if (exponent == 0) {
		if (mantissa == 0) {
			bits = sign;
		} else { // subnormal: normalise
			int e = -1;
			uint32_t m = mantissa;
			do {
				e++;
				m <<= 1;
			} while ((m & 0x400) == 0);
			bits = sign | (uint32_t) (127 - 15 - e) << 23 | (m & 0x3FF) << 13;
		}
	} else if (exponent == 31) {
		bits = sign | 0x7F800000 | mantissa << 13;
	} else {
		bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
	}
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

static uint16_t read16(const uint8_t* p) {
	return (uint16_t) (p[0] | p[1] << 8);
}

static int block_bytes(int type) {
	return type == Q8_0 ? 34 : 18;
}

/** Q4_K and Q5_K: the 6-bit scale and min of sub-block j from the 12 packed bytes. */
static void scale_min(const uint8_t* packed, int j, int* scale, int* min) {
	if (j < 4) {
		*scale = packed[j] & 63;
		*min = packed[j + 4] & 63;
	} else {
		*scale = (packed[j + 4] & 0x0F) | (packed[j - 4] >> 6) << 4;
		*min = (packed[j + 4] >> 4) | (packed[j] >> 6) << 4;
	}
}

/** The K-quants' stored value l of sub-block (32 values) c of a super-block: Q4_K, Q5_K unsigned; Q6_K q + 32. */
static int kquant_stored(int type, const uint8_t* sb, int c, int l) {
	if (type == Q6_K) {
		const int h = c / 4, k = c % 4;
		const uint8_t nib = sb[64 * h + 32 * (k % 2) + l];
		return (k < 2 ? nib & 0x0F : nib >> 4) | ((sb[128 + 32 * h + l] >> 2 * k) & 3) << 4;
	}
	const uint8_t* qs = sb + (type == Q4_K ? 16 : 48) + 32 * (c / 2);
	const int nib = c % 2 == 0 ? qs[l] & 0x0F : qs[l] >> 4;
	return type == Q4_K ? nib : nib | ((sb[16 + l] >> c) & 1) << 4;
}

static int kquant_bytes(int type) {
	return type == Q4_K ? 144 : type == Q5_K ? 176 : 210;
}

/** Row · x over super-blocks, value by value: the reference the vector kernels must equal. */
static float kquant_dot_c(int type, const uint8_t* row, const int8_t* q, const float* d, const int* sums, int supers) {
	float sum = 0.0f;
	for (int s = 0; s < supers; s++) {
		const uint8_t* sb = row + (long) s * kquant_bytes(type);
		const int8_t* x = q + 256 * s;
		if (type == Q6_K) {
			int acc = 0;
			for (int c = 0; c < 8; c++) {
				for (int l = 0; l < 32; l++) {
					acc += (int8_t) sb[192 + 8 * (c / 4) + 2 * (c % 4) + l / 16] * (kquant_stored(type, sb, c, l) - 32) * x[32 * c + l];
				}
			}
			sum += half_to_float(read16(sb + 208)) * d[s] * (float) acc;
			continue;
		}
		int acc = 0, mins = 0;
		for (int c = 0; c < 8; c++) {
			int scale, min, dot = 0;
			scale_min(sb + 4, c, &scale, &min);
			for (int l = 0; l < 32; l++) {
				dot += kquant_stored(type, sb, c, l) * x[32 * c + l];
			}
			acc += scale * dot;
			mins += min * sums[8 * s + c];
		}
		sum += d[s] * (half_to_float(read16(sb)) * (float) acc - half_to_float(read16(sb + 2)) * (float) mins);
	}
	return sum;
}

// ---- plain C: any x86-64 -------------------------------------------------------------------------------------------

static float row_dot_c(int type, const uint8_t* row, const int8_t* q, const float* d, const int* sums, int blocks) {
	(void) sums;
	float sum = 0.0f;
	for (int b = 0; b < blocks; b++) {
		const uint8_t* blk = row + (long) b * block_bytes(type);
		const int8_t* x = q + 32 * b;
		int s = 0;
		for (int i = 0; i < 32; i++) {
			const int w = type == Q8_0 ? (int8_t) blk[2 + i] : (i < 16 ? blk[2 + i] & 0x0F : blk[2 + i - 16] >> 4) - 8;
			s += w * x[i];
		}
		sum += half_to_float(read16(blk)) * d[b] * (float) s;
	}
	return sum;
}

// ---- AVX2 and AVX-512 VNNI: a block's 32 weights as signed bytes, |w| · sign(x, w) summed in 32-bit lanes ----------

#define TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
#define TARGET_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))

/** A block's scale times the activations' (F16C's conversion: the plain one's branches cost more than the block's math). */
TARGET_AVX2 static inline __m256 block_scale(const uint8_t* blk, float d) {
	return _mm256_set1_ps(_cvtsh_ss(read16(blk)) * d);
}

/** Q8_0: the block's 32 signed weights. */
TARGET_AVX2 static inline __m256i q8_weights(const uint8_t* blk) {
	return _mm256_loadu_si256((const __m256i*) (blk + 2));
}

/** Q4_0: the block's 32 stored nibbles (value + 8) as unsigned bytes, values 0-15 first. */
TARGET_AVX2 static inline __m256i q4_nibbles(const uint8_t* blk) {
	const __m128i packed = _mm_loadu_si128((const __m128i*) (blk + 2));
	return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), _mm256_set1_epi8(0x0F));
}

TARGET_AVX2 static inline float hsum(__m256 v) {
	const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
	return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

/**
 * A block's weights made ready for products with any x, once however many rows of x it meets: the unsigned operand u
 * the instructions want (Q8_0's |w|, Q4_0's stored nibbles) and, for Q8_0, w itself, whose signs go onto x.
 */
TARGET_AVX2 static inline void block_weights(int type, const uint8_t* blk, __m256i* u, __m256i* w) {
	if (type == Q8_0) {
		*w = q8_weights(blk);
		*u = _mm256_abs_epi8(*w);
	} else {
		*u = q4_nibbles(blk);
		*w = _mm256_setzero_si256();
	}
}

// Q4_0 multiplies the stored nibbles (unsigned, as the instructions want) and starts each block's sum at −8·Σx (from
// the activations' per-32 sums): cheaper than making signed weights of them.
TARGET_AVX2 static inline __m256i pair_dot_avx2(int type, __m256i u, __m256i w, const int8_t* x32, int sum) {
	const __m256i x = _mm256_loadu_si256((const __m256i*) x32);
	const __m256i ones = _mm256_set1_epi16(1);
	if (type == Q8_0) { // pairs of |w|·x fit 16 bits: at most 2 · 128 · 127
		return _mm256_madd_epi16(_mm256_maddubs_epi16(u, _mm256_sign_epi8(x, w)), ones);
	}
	return _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(u, x), ones), _mm256_zextsi128_si256(_mm_cvtsi32_si128(-8 * sum)));
}

// A row of Q8_0 or Q4_0 blocks: PAIR_DOT's 32-bit lane sums, four blocks in flight so that the multiply-adds' latency
// does not chain them; one function per instruction set.
#define ROW_DOT(NAME, TARGET, PAIR_DOT)                                                                                    \
	TARGET static float NAME(int type, const uint8_t* row, const int8_t* q, const float* d, const int* sums, int blocks) {  \
		const int bytes = block_bytes(type);                                                                               \
		__m256 acc[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };           \
		int b = 0;                                                                                                         \
		for (; b + 3 < blocks; b += 4) {                                                                                   \
			for (int k = 0; k < 4; k++) {                                                                                  \
				const uint8_t* blk = row + (long) (b + k) * bytes;                                                         \
				__m256i u, w;                                                                                              \
				block_weights(type, blk, &u, &w);                                                                          \
				const __m256i s = PAIR_DOT(type, u, w, q + 32 * (b + k), sums[b + k]);                                     \
				acc[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), block_scale(blk, d[b + k]), acc[k]);                       \
			}                                                                                                              \
		}                                                                                                                  \
		for (; b < blocks; b++) {                                                                                          \
			const uint8_t* blk = row + (long) b * bytes;                                                                   \
			__m256i u, w;                                                                                                  \
			block_weights(type, blk, &u, &w);                                                                              \
			acc[0] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(PAIR_DOT(type, u, w, q + 32 * b, sums[b])), block_scale(blk, d[b]), acc[0]); \
		}                                                                                                                  \
		return hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));                          \
	}

ROW_DOT(row_dot_avx2, TARGET_AVX2, pair_dot_avx2)

/**
 * The K-quants on AVX2 (also where AVX-512 VNNI is there: the unpacking, not the multiply, bounds them): per sub-block
 * of 32 the stored values as unsigned bytes, vpmaddubsw with x, then vpmaddwd with the sub-block's scale(s) in 16 bits,
 * summed in 32-bit lanes over the super-block.
 */
TARGET_AVX2 static float kquant_dot_avx2(int type, const uint8_t* row, const int8_t* q, const float* d, const int* sums, int supers) {
	const __m256i low4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi8(1), three = _mm256_set1_epi8(3), bias = _mm256_set1_epi8(32);
	__m256 acc = _mm256_setzero_ps();
	float mins = 0.0f;
	for (int s = 0; s < supers; s++) {
		const uint8_t* sb = row + (long) s * kquant_bytes(type);
		const int8_t* x = q + 256 * s;
		__m256i isum = _mm256_setzero_si256();
		if (type == Q6_K) {
			for (int h = 0; h < 2; h++) {
				const __m256i ql0 = _mm256_loadu_si256((const __m256i*) (sb + 64 * h)), ql1 = _mm256_loadu_si256((const __m256i*) (sb + 64 * h + 32));
				const __m256i qh = _mm256_loadu_si256((const __m256i*) (sb + 128 + 32 * h));
				for (int k = 0; k < 4; k++) {
					const __m256i ql = k % 2 == 0 ? ql0 : ql1;
					const __m256i nib = k < 2 ? _mm256_and_si256(ql, low4) : _mm256_and_si256(_mm256_srli_epi16(ql, 4), low4);
					const __m256i hi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * k)), three), 4);
					const __m256i w = _mm256_sub_epi8(_mm256_or_si256(nib, hi), bias); // signed, −32 … 31
					const __m256i xv = _mm256_loadu_si256((const __m256i*) (x + 128 * h + 32 * k));
					const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(xv, w));
					const int8_t* sc = (const int8_t*) sb + 192 + 8 * h + 2 * k;
					const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
					isum = _mm256_add_epi32(isum, _mm256_madd_epi16(pairs, scales));
				}
			}
			acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_set1_ps(_cvtsh_ss(read16(sb + 208)) * d[s]), acc);
			continue;
		}
		const uint8_t* qs = sb + (type == Q4_K ? 16 : 48);
		const __m256i qh = type == Q5_K ? _mm256_loadu_si256((const __m256i*) (sb + 16)) : _mm256_setzero_si256();
		int minsum = 0;
		for (int p = 0; p < 4; p++) {
			const __m256i packed = _mm256_loadu_si256((const __m256i*) (qs + 32 * p));
			for (int half = 0; half < 2; half++) {
				const int c = 2 * p + half;
				__m256i w = half == 0 ? _mm256_and_si256(packed, low4) : _mm256_and_si256(_mm256_srli_epi16(packed, 4), low4);
				if (type == Q5_K) {
					w = _mm256_or_si256(w, _mm256_slli_epi16(_mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(c)), ones), 4));
				}
				int scale, min;
				scale_min(sb + 4, c, &scale, &min);
				const __m256i xv = _mm256_loadu_si256((const __m256i*) (x + 32 * c));
				isum = _mm256_add_epi32(isum, _mm256_madd_epi16(_mm256_maddubs_epi16(w, xv), _mm256_set1_epi16((short) scale)));
				minsum += min * sums[8 * s + c];
			}
		}
		acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_set1_ps(_cvtsh_ss(read16(sb)) * d[s]), acc);
		mins += _cvtsh_ss(read16(sb + 2)) * d[s] * (float) minsum;
	}
	return hsum(acc) - mins;
}

TARGET_VNNI static inline __m256i pair_dot_vnni(int type, __m256i u, __m256i w, const int8_t* x32, int sum) {
	const __m256i x = _mm256_loadu_si256((const __m256i*) x32);
	if (type == Q8_0) {
		return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, _mm256_sign_epi8(x, w));
	}
	// the stored nibbles are value + 8: the sum starts at −8·Σx
	return _mm256_dpbusd_epi32(_mm256_zextsi128_si256(_mm_cvtsi32_si128(-8 * sum)), u, x);
}

ROW_DOT(row_dot_vnni, TARGET_VNNI, pair_dot_vnni)

// ---- Q8_0 and Q4_0 regrouped by eight rows (x8): the eight rows' sums in the lanes of one vector ----------------------
// Layout, per group of 8 rows and block of 32 values (8 blocks' bytes: 272 for Q8_0, 144 for Q4_0): the rows' F16
// scales, then 32-byte words (Q8_0 eight, Q4_0 four) whose bytes 4j … 4j+3 of word k are row j's value bytes 4k … 4k+3:
// Q8_0's values 4k …, Q4_0's values 4k … in the low nibbles and 16 + 4k … in the high ones. Unpacked word k against x's
// 4 bytes from 4k, broadcast, sums row j's products in 32-bit lane j: no per-row horizontal sums, and one conversion
// of the eight scales. NativeKernels.packByEight writes it.

static int group_bytes(int type) {
	return 8 * block_bytes(type);
}

// Rows of x a prompt batch takes at a time: a block's weights are unpacked once for them.
#define TOKENS 4

#define X8_DOT(NAME, TARGET, LANE_DOT)                                                                                     \
	TARGET static void NAME(int type, const uint8_t* group, const int8_t* q, const float* d, const int* sums, int blocks, int n, \
			float* out, int64_t stride) {                                                                                  \
		const __m256i low4 = _mm256_set1_epi8(0x0F);                                                                       \
		for (int t0 = 0; t0 < n; t0 += TOKENS) {                                                                           \
			const int count = n - t0 < TOKENS ? n - t0 : TOKENS;                                                           \
			__m256 acc[TOKENS];                                                                                            \
			for (int k = 0; k < TOKENS; k++) {                                                                             \
				acc[k] = _mm256_setzero_ps();                                                                              \
			}                                                                                                              \
			for (int b = 0; b < blocks; b++) {                                                                             \
				const uint8_t* g = group + (long) b * group_bytes(type);                                                   \
				const __m256 scales = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*) g));                                \
				/* u: the unsigned operand (Q8_0's |w|, Q4_0's stored nibbles); w: Q8_0's signs */                         \
				__m256i u[8], w[8];                                                                                        \
				for (int k = 0; k < 4; k++) {                                                                              \
					if (type == Q8_0) {                                                                                    \
						w[k] = _mm256_loadu_si256((const __m256i*) (g + 16 + 32 * k));                                     \
						w[k + 4] = _mm256_loadu_si256((const __m256i*) (g + 144 + 32 * k));                                \
						u[k] = _mm256_abs_epi8(w[k]);                                                                      \
						u[k + 4] = _mm256_abs_epi8(w[k + 4]);                                                              \
					} else {                                                                                               \
						const __m256i word = _mm256_loadu_si256((const __m256i*) (g + 16 + 32 * k));                       \
						u[k] = _mm256_and_si256(word, low4);                                                               \
						u[k + 4] = _mm256_and_si256(_mm256_srli_epi16(word, 4), low4);                                     \
					}                                                                                                      \
				}                                                                                                          \
				for (int kk = 0; kk < TOKENS; kk++) {                                                                      \
					if (kk < count) {                                                                                      \
						const long t = t0 + kk;                                                                            \
						const int8_t* x = q + 32 * (t * blocks + b);                                                       \
						/* Q4_0's stored values are value + 8: every row's sum starts at −8·Σx */                          \
						__m256i s = _mm256_set1_epi32(type == Q4_0 ? -8 * sums[t * blocks + b] : 0);                       \
						for (int k = 0; k < 8; k++) {                                                                      \
							int chunk;                                                                                     \
							memcpy(&chunk, x + 4 * k, 4);                                                                  \
							const __m256i xk = _mm256_set1_epi32(chunk);                                                   \
							s = LANE_DOT(s, u[k], type == Q8_0 ? _mm256_sign_epi8(xk, w[k]) : xk);                         \
						}                                                                                                  \
						acc[kk] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(scales, _mm256_set1_ps(d[t * blocks + b])), acc[kk]); \
					}                                                                                                      \
				}                                                                                                          \
			}                                                                                                              \
			for (int k = 0; k < count; k++) {                                                                              \
				_mm256_storeu_ps(out + (t0 + k) * stride, acc[k]);                                                         \
			}                                                                                                              \
		}                                                                                                                  \
	}

/** s + Σ of 4 products per 32-bit lane: unsigned bytes u (0-15) by signed bytes x; AVX2 in three instructions. */
TARGET_AVX2 static inline __m256i lane_dot_avx2(__m256i s, __m256i u, __m256i x) {
	return _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_maddubs_epi16(u, x), _mm256_set1_epi16(1)));
}

TARGET_VNNI static inline __m256i lane_dot_vnni(__m256i s, __m256i u, __m256i x) {
	return _mm256_dpbusd_epi32(s, u, x);
}

X8_DOT(x8_dot_avx2, TARGET_AVX2, lane_dot_avx2)
X8_DOT(x8_dot_vnni, TARGET_VNNI, lane_dot_vnni)

// ---- entry points ---------------------------------------------------------------------------------------------------

typedef float (*row_dot_fn)(int, const uint8_t*, const int8_t*, const float*, const int*, int);

static row_dot_fn pick(int* level) {
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("f16c")) {
		*level = 2;
		return row_dot_vnni;
	}
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
		*level = 1;
		return row_dot_avx2;
	}
	*level = 0;
	return row_dot_c;
}

/** Which kernels this CPU runs: 2 AVX-512 VNNI, 1 AVX2, 0 plain C. */
int atelier_cpu_level(void) {
	int level;
	pick(&level);
	return level;
}

/**
 * out[t · stride + r - from] = row r of w (type Q8_0, Q4_0, Q4_K, Q5_K or Q6_K, rowBytes apart) · row t of x for r in
 * [from, to) and t in [0, n): x is n rows of cols values (a multiple of 32, of 256 for the K-quants) quantised to q
 * (row t at t · cols) with one scale d per block of the type (32 values, 256 for the K-quants) and the sum of q per 32,
 * row after row. level picks the kernels (atelier_cpu_level, or lower). Returns -1 for an unknown type or level, else 0.
 */
int atelier_dot_rows(int level, int type, const uint8_t* w, int64_t rowBytes, int from, int to, const int8_t* q, const float* d,
		const int* sums, int cols, int n, float* out, int64_t stride) {
	if (type < Q8_0 || type > Q6_K) {
		return -1;
	}
	int best;
	pick(&best);
	if (level < 0 || level > best) {
		return -1;
	}
	const int kquant = type >= Q4_K;
	const row_dot_fn dot = kquant ? (level >= 1 ? kquant_dot_avx2 : kquant_dot_c) : level == 2 ? row_dot_vnni : level == 1 ? row_dot_avx2 : row_dot_c;
	const int blocks = kquant ? cols / 256 : cols / 32;
	for (int r = from; r < to; r++) {
		const uint8_t* row = w + (int64_t) r * rowBytes;
		// a row of x at a time (Q8_0 and Q4_0 batches mostly go to the x8 kernels): the weight row stays in L1 for the next
		for (int t = 0; t < n; t++) {
			out[t * stride + r - from] = dot(type, row, q + (int64_t) t * cols, d + (int64_t) t * blocks, sums + (int64_t) t * (cols / 32), blocks);
		}
	}
	return 0;
}

/**
 * atelier_dot_rows for Q8_0 or Q4_0 rows regrouped by eight (x8, above): packed holds every group of the matrix, cols / 32
 * blocks of group_bytes each; from and to are multiples of 8. Returns -1 for another type, a level without such
 * kernels (plain C) or rows that are not whole groups, else 0.
 */
int atelier_dot_rows_x8(int level, int type, const uint8_t* packed, int from, int to, const int8_t* q, const float* d, const int* sums, int cols,
		int n, float* out, int64_t stride) {
	int best;
	pick(&best);
	if ((type != Q8_0 && type != Q4_0) || level < 1 || level > best || from % 8 != 0 || to % 8 != 0) {
		return -1;
	}
	const int blocks = cols / 32;
	for (int r = from; r < to; r += 8) {
		const uint8_t* group = packed + (int64_t) (r / 8) * blocks * group_bytes(type);
		(level == 2 ? x8_dot_vnni : x8_dot_avx2)(type, group, q, d, sums, blocks, n, out + (r - from), stride);
	}
	return 0;
}
