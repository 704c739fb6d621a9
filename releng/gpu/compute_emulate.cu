// Runs the weight decoding of kernels/compute.cu on the CPU, to check it against the CPU backend where there is no
// GPU (releng/gpu/compute-check.sh emulate builds and drives it through ComputeCheck):
//   compute_emulate TYPE ROWS COLS WEIGHTS.bin X.bin OUT.bin
// TYPE is compute.cu's Type id, WEIGHTS.bin the rows as the type stores them, X.bin COLS floats. OUT.bin gets the
// rows dequantised by value<T> (ROWS × COLS floats), then the decode GEMV's result per row (ROWS floats: its lanes'
// shares, lane_dot_float / lane_dot_quant, summed) and x as the GEMV reads it (COLS floats: for the quantised types
// d·q after quantize_x's rounding).
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
	for (int r = 0; r < rows; r++) { // the 32 lanes' shares, then the warp's sum
		float s = 0.0f;
		for (int lane = 0; lane < 32; lane++) {
			s += quantised ? lane_dot_quant<T>(w + r * rowBytes, cols, lane, xq.data(), xds.data())
					: lane_dot_float<T>(reinterpret_cast<const uint4*>(w + r * rowBytes), x, cols / (T == F32 ? 4 : 8), lane);
		}
		fwrite(&s, 4, 1, out);
	}
	for (int i = 0; i < cols; i++) {
		const float v = quantised ? xds[i / 32].x * xq[i] : x[i];
		fwrite(&v, 4, 1, out);
	}
}

int main(int argc, char** argv) {
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
