// Runs the tracing code of kernels/pathtrace.cu on the CPU, to check the port against the Java tracer where there
// is no GPU (releng/gpu/render.sh emulate builds and drives it):
//   pathtrace_emulate SCENE.bin WIDTH HEIGHT PASSES SEED MAX_BOUNCES ox oy oz fx fy fz rx ry rz ux uy uz FILM.bin
// SCENE.bin is a packed scene (PackedScene.java), FILM.bin gets the film as the kernel accumulates it
// (four planes of 3 doubles per pixel: radiance, its square, albedo, normal) after passes 0 … PASSES − 1; prints
// the camera and total rays.
// Built with -ffp-contract=off the arithmetic is Java's; with contraction it mimics the GPU's fused multiply-adds.
#define PATHTRACE_HOST_ONLY
#include "../../kernels/pathtrace.cu"

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
	if (argc != 20) {
		fprintf(stderr, "usage: %s SCENE.bin WIDTH HEIGHT PASSES SEED MAX_BOUNCES ox oy oz fx fy fz rx ry rz ux uy uz FILM.bin\n", argv[0]);
		return 2;
	}
	FILE* in = fopen(argv[1], "rb");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	std::vector<uint32_t> scene;
	uint32_t word;
	while (fread(&word, 4, 1, in) == 1) {
		scene.push_back(word);
	}
	fclose(in);
	int width = atoi(argv[2]), height = atoi(argv[3]), passes = atoi(argv[4]);
	long long seed = atoll(argv[5]);
	int maxBounces = atoi(argv[6]);
	float c[12];
	for (int i = 0; i < 12; i++) {
		c[i] = strtof(argv[7 + i], nullptr);
	}
	pt::Camera cam = { c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], (float) width, (float) height };
	pt::SceneView sc = pt::view(scene.data());
	size_t pixels = (size_t) width * height;
	std::vector<double> film(12 * pixels, 0.0);
	unsigned long long rays = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : rays)
	for (int y = 0; y < height; y++) {
		int stack[pt::MAX_DEPTH];
		float stackNear[pt::MAX_DEPTH];
		for (int pass = 0; pass < passes; pass++) {
			for (int x = 0; x < width; x++) {
				pt::PixelSample s = pt::trace_pixel(sc, cam, x, y, width, pass, seed, maxBounces, stack, stackNear);
				size_t p = (size_t) y * width + x;
				double values[4][3] = { { s.r, s.g, s.b }, { (double) s.r * s.r, (double) s.g * s.g, (double) s.b * s.b },
						{ s.albedoR, s.albedoG, s.albedoB }, { s.normalX, s.normalY, s.normalZ } };
				for (int plane = 0; plane < 4; plane++) {
					for (int k = 0; k < 3; k++) {
						film[3 * (plane * pixels + p) + k] += values[plane][k];
					}
				}
				rays += s.rays;
			}
		}
	}
	FILE* out = fopen(argv[19], "wb");
	if (!out || fwrite(film.data(), 8, film.size(), out) != film.size()) {
		perror(argv[19]);
		return 1;
	}
	fclose(out);
	printf("%llu %llu\n", (unsigned long long) pixels * passes, rays);
	return 0;
}
