// Runs the arithmetic of kernels/compute.cu on the CPU, to check it against the CPU backend where there is no GPU
// (releng/gpu/compute-check.sh emulate builds and drives it through ComputeCheck):
//   compute_emulate TYPE ROWS COLS WEIGHTS.bin X.bin OUT.bin
// TYPE is compute.cu's Type id, WEIGHTS.bin the rows as the type stores them, X.bin COLS floats. OUT.bin gets the
// rows dequantised by value<T> (ROWS × COLS floats), then the decode GEMV's result per row (ROWS floats: its lanes'
// shares, lane_dot_float / lane_dot_quant, summed, the rows cut into three matrices that one launch multiplies as the
// second token of two, placed by Matrices::locate) and x as the GEMV reads it (COLS floats: for the quantised types
// d·q after quantize_x's rounding).
//   compute_emulate norm ROWS COLS EPS A.bin B.bin WEIGHT.bin OUT.bin
// rms_norm's two passes by 256 threads: OUT.bin gets a + b (sum), rmsNorm(a + b)·weight, then rmsNorm(a)·weight.
//   compute_emulate rope ROWS QCOLS KVCOLS HEADSIZE NEOX CACHEROWS IN.bin OUT.bin
// rope_store by 256 threads per row; IN.bin holds q, k, v (F32 rows), ROWS positions (I32) and HEADSIZE/2 frequencies.
// OUT.bin gets q and k rotated, then the keys and values caches as floats, stored as F16 and again as F32.
#include "../../kernels/compute.cu"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

static std::vector<uint8_t> slurp(const char* path) {
	std::vector<uint8_t> bytes;
	FILE* in = fopen(path, "rb");
	if (!in) {
		perror(path);
		exit(1);
	}
	int c;
	while ((c = fgetc(in)) != EOF) {
		bytes.push_back(static_cast<uint8_t>(c));
	}
	fclose(in);
	return bytes;
}

/** quantize_x's arithmetic, block by block. */
static void quantize(const float* x, int cols, std::vector<int8_t>& xq, std::vector<float2>& xds) {
	for (int b = 0; b < cols / 32; b++) {
		float amax = 0.0f;
		for (int i = 0; i < 32; i++) {
			amax = fmaxf(amax, fabsf(x[32 * b + i]));
		}
		const float d = amax / 127.0f;
		int sum = 0;
		for (int i = 0; i < 32; i++) {
			const int q = amax == 0.0f ? 0 : static_cast<int>(nearbyintf(x[32 * b + i] / d));
			xq[32 * b + i] = static_cast<int8_t>(q);
			sum += q;
		}
		xds[b] = make_float2(d, d * sum);
	}
}

template <int T> static void emulate(const uint8_t* w, long rowBytes, int rows, int cols, const float* x, FILE* out) {
	for (int r = 0; r < rows; r++) {
		for (int i = 0; i < cols; i++) {
			const float v = value<T>(w + r * rowBytes, i);
			fwrite(&v, 4, 1, out);
		}
	}
	constexpr bool quantised = T != F32 && T != F16 && T != BF16;
	std::vector<int8_t> xq(cols);
	std::vector<float2> xds(cols / 32);
	if (quantised) {
		quantize(x, cols, xq, xds);
	}
	// the rows as three matrices, each with two tokens' outputs; token 1 (x again) is the one written
	const int r0 = rows / 3, r1 = rows / 4;
	std::vector<float> products(2 * rows, NAN);
	const Matrices m { { w, w + r0 * rowBytes, w + (r0 + r1) * rowBytes }, { products.data(), products.data() + 2 * r0, products.data() + 2 * (r0 + r1) },
		{ r0, r1, rows - r0 - r1 }, rowBytes };
	for (int g = 0; g < rows; g++) { // the 32 lanes' shares, then the warp's sum
		const uint8_t* row;
		float* o;
		if (!m.locate(g, 1, row, o)) {
			fprintf(stderr, "row %d of %d not located\n", g, rows);
			exit(1);
		}
		float s = 0.0f;
		for (int lane = 0; lane < 32; lane++) {
			s += quantised ? lane_dot_quant<T>(row, cols, lane, xq.data(), xds.data())
					: lane_dot_float<T>(reinterpret_cast<const uint4*>(row), x, cols / (T == F32 ? 4 : 8), lane);
		}
		*o = s;
	}
	for (int j = 0; j < 3; j++) {
		fwrite(m.out[j] + m.rows[j], 4, m.rows[j], out);
	}
	for (int i = 0; i < cols; i++) {
		const float v = quantised ? xds[i / 32].x * xq[i] : x[i];
		fwrite(&v, 4, 1, out);
	}
}

constexpr int THREADS = 256;

static int norm(int argc, char** argv) {
	if (argc != 9) {
		fprintf(stderr, "usage: %s norm ROWS COLS EPS A.bin B.bin WEIGHT.bin OUT.bin\n", argv[0]);
		return 2;
	}
	const int rows = atoi(argv[2]), cols = atoi(argv[3]);
	const float eps = static_cast<float>(atof(argv[4]));
	std::vector<float> a(rows * cols), b(rows * cols), weight(cols);
	memcpy(a.data(), slurp(argv[5]).data(), 4L * rows * cols);
	memcpy(b.data(), slurp(argv[6]).data(), 4L * rows * cols);
	memcpy(weight.data(), slurp(argv[7]).data(), 4L * cols);
	std::vector<float> sum(b), normed(rows * cols), plain(rows * cols);
	for (int r = 0; r < rows; r++) { // sum in b's place, as a layer calls it; then the plain norm of a
		const long at = (long) r * cols;
		for (int pass = 0; pass < 2; pass++) {
			float* s = pass == 0 ? sum.data() + at : nullptr;
			float ss = 0.0f;
			for (int t = 0; t < THREADS; t++) {
				ss += add_squares(a.data() + at, pass == 0 ? sum.data() + at : nullptr, s, cols, t, THREADS);
			}
			const float scale = 1.0f / sqrtf(ss / cols + eps);
			for (int t = 0; t < THREADS; t++) {
				scale_row(s ? s : a.data() + at, weight.data(), (pass == 0 ? normed : plain).data() + at, cols, scale, t, THREADS);
			}
		}
	}
	FILE* out = fopen(argv[8], "wb");
	fwrite(sum.data(), 4, sum.size(), out);
	fwrite(normed.data(), 4, normed.size(), out);
	fwrite(plain.data(), 4, plain.size(), out);
	fclose(out);
	return 0;
}

static int rope(int argc, char** argv) {
	if (argc != 10) {
		fprintf(stderr, "usage: %s rope ROWS QCOLS KVCOLS HEADSIZE NEOX CACHEROWS IN.bin OUT.bin\n", argv[0]);
		return 2;
	}
	const int rows = atoi(argv[2]), qCols = atoi(argv[3]), kvCols = atoi(argv[4]), headSize = atoi(argv[5]), neox = atoi(argv[6]);
	const int cacheRows = atoi(argv[7]);
	const std::vector<uint8_t> in = slurp(argv[8]);
	const float* f = reinterpret_cast<const float*>(in.data());
	const std::vector<float> q0(f, f + rows * qCols), k0(f + rows * qCols, f + rows * (qCols + kvCols));
	const std::vector<float> v(f + rows * (qCols + kvCols), f + rows * (qCols + 2 * kvCols));
	std::vector<int> positions(rows);
	memcpy(positions.data(), f + rows * (qCols + 2 * kvCols), 4L * rows);
	const float* freq = f + rows * (qCols + 2 * kvCols + 1);
	FILE* out = fopen(argv[9], "wb");
	for (int f16 = 1; f16 >= 0; f16--) {
		std::vector<float> q(q0), k(k0);
		const size_t bytes = static_cast<size_t>(cacheRows) * kvCols * (f16 ? 2 : 4);
		std::vector<uint8_t> keys(bytes), values(bytes);
		for (int i = 0; i < rows; i++) {
			for (int t = 0; t < THREADS; t++) {
				rope_store_row(i, q.data(), k.data(), v.data(), positions.data(), freq, qCols, kvCols, headSize, neox, keys.data(), values.data(), cacheRows,
						f16, t, THREADS);
			}
		}
		if (f16) {
			fwrite(q.data(), 4, q.size(), out);
			fwrite(k.data(), 4, k.size(), out);
		}
		for (const std::vector<uint8_t>* cache : { &keys, &values }) {
			for (long c = 0; c < static_cast<long>(cacheRows) * kvCols; c++) {
				const float value = f16 ? __half2float(reinterpret_cast<const __half*>(cache->data())[c]) : reinterpret_cast<const float*>(cache->data())[c];
				fwrite(&value, 4, 1, out);
			}
		}
	}
	fclose(out);
	return 0;
}

int main(int argc, char** argv) {
	if (argc > 1 && strcmp(argv[1], "norm") == 0) {
		return norm(argc, argv);
	}
	if (argc > 1 && strcmp(argv[1], "rope") == 0) {
		return rope(argc, argv);
	}
	if (argc != 7) {
		fprintf(stderr, "usage: %s TYPE ROWS COLS WEIGHTS.bin X.bin OUT.bin\n", argv[0]);
		return 2;
	}
	const int type = atoi(argv[1]), rows = atoi(argv[2]), cols = atoi(argv[3]);
	const std::vector<uint8_t> w = slurp(argv[4]), xb = slurp(argv[5]);
	if (rows <= 0 || cols <= 0 || w.size() % rows != 0 || xb.size() != 4UL * cols) {
		fprintf(stderr, "%s: %zu weight bytes and %zu x bytes do not make %d × %d\n", argv[0], w.size(), xb.size(), rows, cols);
		return 2;
	}
	// Aligned as a device allocation is.
	std::vector<uint4> weights((w.size() + 15) / 16);
	memcpy(weights.data(), w.data(), w.size());
	std::vector<float> x(cols);
	memcpy(x.data(), xb.data(), xb.size());
	const uint8_t* wp = reinterpret_cast<const uint8_t*>(weights.data());
	const long rowBytes = w.size() / rows;
	FILE* out = fopen(argv[6], "wb");
	if (!out) {
		perror(argv[6]);
		return 1;
	}
	switch (type) {
	case F32: emulate<F32>(wp, rowBytes, rows, cols, x.data(), out); break;
	case F16: emulate<F16>(wp, rowBytes, rows, cols, x.data(), out); break;
	case BF16: emulate<BF16>(wp, rowBytes, rows, cols, x.data(), out); break;
	case Q8_0: emulate<Q8_0>(wp, rowBytes, rows, cols, x.data(), out); break;
	case Q4_0: emulate<Q4_0>(wp, rowBytes, rows, cols, x.data(), out); break;
	case Q4_K: emulate<Q4_K>(wp, rowBytes, rows, cols, x.data(), out); break;
	case Q5_K: emulate<Q5_K>(wp, rowBytes, rows, cols, x.data(), out); break;
	case Q6_K: emulate<Q6_K>(wp, rowBytes, rows, cols, x.data(), out); break;
	default: fprintf(stderr, "%s: no type %d\n", argv[0], type); return 2;
	}
	fclose(out);
	return 0;
}
