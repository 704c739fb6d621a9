// The progressive path tracer's megakernel: one thread per pixel, one sample per pixel per launch (a pass),
// accumulated into the film. It is a port of dev.atelier.viewport.trace.PathTracer, Bsdf, Intersector,
// EnvironmentLight, Texels and Rng: the same integrator (next-event estimation to punctual lights, one emissive
// triangle and the environment, MIS by the power heuristic, Russian roulette), the same watertight triangle test
// and BVH order, and the same random streams (seed, pixel, pass), so that both tracers converge to the same image.
//
// Input: the scene packed by dev.atelier.viewport.trace.PackedScene: a header of 64 uint32 words, then the
// FlatScene arrays unchanged, each starting on a 16-byte boundary (its word offset in the header).
// Output: the film, four planes (radiance, squared radiance, the first hit's base colour, its shading normal) of
// 3 doubles per pixel: plane k's pixel p at 3 (k · P + p), P = width × height, the layout of the Java film's
// arrays. Double, not float: float sums of thousands of passes drift (adding one value n times rounds the same way
// each time, up to n · 2⁻²⁴ relative), and the variance, E[x²] − E[x]², loses what is left of a float's digits on
// smooth pixels. counters[0] counts camera rays, counters[1] every ray (camera, bounce, shadow).
//
// Every function is __host__ __device__ so that releng/gpu/pathtrace_emulate.cu can run the same code on the CPU
// (it defines PATHTRACE_HOST_ONLY, which leaves the kernels out).
#include <cstdint>
#include <cfloat>
#include <cmath>
#include <cstring>

#define PT_FN __host__ __device__ __forceinline__

namespace pt {

// Header words (PackedScene.java writes them): 0 magic, 1 version, 2 triangles, 3 nodes, 4 BVH depth,
// 5 materials, 6 textures, 7 lights, 8 emitters; 16 + section: the section's word offset; 40 + section: its length.
constexpr int H_LIGHTS = 7, H_EMITTERS = 8;
constexpr int H_OFFSETS = 16;
enum Section {
	S_NODES, S_TRIANGLES, S_TRIANGLE_VERTICES, S_TRIANGLE_MATERIALS, S_NORMALS, S_TEXCOORDS, S_TANGENTS, S_MATERIALS, S_TEXELS,
	S_TEXTURES, S_LIGHTS, S_EMITTERS, S_EMITTER_CDF, S_ENVIRONMENT, S_ENVIRONMENT_PDF, S_ENVIRONMENT_MARGINAL_CDF, S_ENVIRONMENT_CONDITIONAL_CDF,
	S_DIELECTRIC_ALBEDO
};

constexpr int MAX_DEPTH = 64;          // BvhBuilder.MAX_DEPTH: the traversal stack always suffices
constexpr int MATERIAL_STRIDE = 20;
constexpr int LIGHT_STRIDE = 16;
constexpr int ALL_PUNCTUAL_LIGHTS = 8;
constexpr int ROULETTE_BOUNCE = 3;
constexpr float RAY_OFFSET = 1e-5f;
constexpr float MIN_ALPHA = 1e-3f;
constexpr int ALBEDO_SIZE = 32;
// The float values of Java's (float) Math.PI etc.
constexpr float PI = 3.14159265358979323846f;
constexpr float TWO_PI = 6.28318530717958647692f;
constexpr float INV_PI = 0.31830988618379067154f;
constexpr float INV_2PI = 0.15915494309189533577f;
constexpr float INV_4PI = 0.07957747154594766788f;
constexpr float INV_2PI2 = 0.05066059182116888572f;
// 1 + 2γ₃ (Ize 2013), as Intersector.FAR_SCALE
constexpr float FAR_SCALE = 1.0f + 2.0f * (3.0f * 0x1p-24f) / (1.0f - 3.0f * 0x1p-24f);

template <class T> PT_FN T ld(const T* p) {
#ifdef __CUDA_ARCH__
	return __ldg(p);
#else
	return *p;
#endif
}

// Products and differences that must not be fused (the watertight test's transformed vertices and edge functions).
PT_FN float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
	return __fmul_rn(a, b);
#else
	return a * b;
#endif
}
PT_FN float sub_rn(float a, float b) {
#ifdef __CUDA_ARCH__
	return __fsub_rn(a, b);
#else
	return a - b;
#endif
}
PT_FN double dmul_rn(double a, double b) {
#ifdef __CUDA_ARCH__
	return __dmul_rn(a, b);
#else
	return a * b;
#endif
}
PT_FN double dsub_rn(double a, double b) {
#ifdef __CUDA_ARCH__
	return __dsub_rn(a, b);
#else
	return a - b;
#endif
}

PT_FN float as_float(uint32_t i) {
#ifdef __CUDA_ARCH__
	return __uint_as_float(i);
#else
	float f;
	memcpy(&f, &i, 4);
	return f;
#endif
}
PT_FN int as_int(float f) {
#ifdef __CUDA_ARCH__
	return __float_as_int(f);
#else
	int i;
	memcpy(&i, &f, 4);
	return i;
#endif
}

PT_FN float clampf(float x, float lo, float hi) {
	return fminf(fmaxf(x, lo), hi);
}

/** The FlatScene arrays inside the packed buffer. */
struct SceneView {
	const float4* nodes;
	const float* triangles;
	const int* triangleVertices;
	const int* triangleMaterials;
	const float* normals;
	const float* texcoords;
	const float* tangents;
	const float* materials;
	const float* texels;
	const int* textures;
	const float* lights;
	const int* emitters;
	const float* emitterCdf;
	const float* environmentPdf;
	const float* environmentMarginal;
	const float* environmentConditional;
	const float* albedo;
	int lightCount;
	int emitterCount;
	float envR, envG, envB;
	int envTexture, envRows, envColumns;
	bool envSampled;
};

/** Sets the environment fields from the FlatScene's 8 environment floats. */
PT_FN void set_environment(SceneView& s, const float* env) {
	s.envR = ld(env);
	s.envG = ld(env + 1);
	s.envB = ld(env + 2);
	s.envTexture = (int) ld(env + 3);
	s.envRows = (int) ld(env + 4);
	s.envColumns = (int) ld(env + 5);
	s.envSampled = ld(env + 6) != 0;
}

/** The sections of a packed scene found through its header (the host emulator's way; the kernel gets pointers). */
PT_FN SceneView view(const uint32_t* words) {
	SceneView s;
	const uint32_t* o = words + H_OFFSETS;
	s.nodes = reinterpret_cast<const float4*>(words + ld(o + S_NODES));
	s.triangles = reinterpret_cast<const float*>(words + ld(o + S_TRIANGLES));
	s.triangleVertices = reinterpret_cast<const int*>(words + ld(o + S_TRIANGLE_VERTICES));
	s.triangleMaterials = reinterpret_cast<const int*>(words + ld(o + S_TRIANGLE_MATERIALS));
	s.normals = reinterpret_cast<const float*>(words + ld(o + S_NORMALS));
	s.texcoords = reinterpret_cast<const float*>(words + ld(o + S_TEXCOORDS));
	s.tangents = reinterpret_cast<const float*>(words + ld(o + S_TANGENTS));
	s.materials = reinterpret_cast<const float*>(words + ld(o + S_MATERIALS));
	s.texels = reinterpret_cast<const float*>(words + ld(o + S_TEXELS));
	s.textures = reinterpret_cast<const int*>(words + ld(o + S_TEXTURES));
	s.lights = reinterpret_cast<const float*>(words + ld(o + S_LIGHTS));
	s.emitters = reinterpret_cast<const int*>(words + ld(o + S_EMITTERS));
	s.emitterCdf = reinterpret_cast<const float*>(words + ld(o + S_EMITTER_CDF));
	const float* env = reinterpret_cast<const float*>(words + ld(o + S_ENVIRONMENT));
	s.environmentPdf = reinterpret_cast<const float*>(words + ld(o + S_ENVIRONMENT_PDF));
	s.environmentMarginal = reinterpret_cast<const float*>(words + ld(o + S_ENVIRONMENT_MARGINAL_CDF));
	s.environmentConditional = reinterpret_cast<const float*>(words + ld(o + S_ENVIRONMENT_CONDITIONAL_CDF));
	s.albedo = reinterpret_cast<const float*>(words + ld(o + S_DIELECTRIC_ALBEDO));
	s.lightCount = (int) ld(words + H_LIGHTS);
	s.emitterCount = (int) ld(words + H_EMITTERS);
	set_environment(s, env);
	return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Rng: PCG32 reseeded per pixel sample, exactly as Rng.java.

struct Rng {
	uint64_t state, increment;

	PT_FN static uint64_t mix(uint64_t z) {
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		return z ^ (z >> 31);
	}

	PT_FN void reset(int64_t seed, int pixel, int sample) {
		uint64_t s = (uint64_t) seed;
		uint64_t p = (uint64_t) (int64_t) pixel;
		increment = (mix(s * 0x9E3779B97F4A7C15ULL + p) << 1) | 1;
		state = 0;
		next();
		state += mix(s ^ mix((p << 32) ^ (uint64_t) (uint32_t) sample));
		next();
	}

	PT_FN uint32_t next() {
		uint64_t old = state;
		state = old * 6364136223846793005ULL + increment;
		uint32_t xorShifted = (uint32_t) (((old >> 18) ^ old) >> 27);
		uint32_t rot = (uint32_t) (old >> 59);
		return (xorShifted >> rot) | (xorShifted << ((32 - rot) & 31));
	}

	PT_FN float nextFloat() {
		return (float) (next() >> 8) * 0x1p-24f;
	}
};

// ---------------------------------------------------------------------------------------------------------------
// Texels: bilinear lookups with glTF wrap modes, as Texels.java.

PT_FN int wrap(int i, int n, int mode) {
	if (mode == 0) {
		int m = i % n;
		return m < 0 ? m + n : m;
	}
	if (mode == 1) {
		return i < 0 ? 0 : (i > n - 1 ? n - 1 : i);
	}
	int period = i % (2 * n);
	if (period < 0) {
		period += 2 * n;
	}
	return period < n ? period : 2 * n - 1 - period;
}

PT_FN float4 texture(const SceneView& s, int texture, float u, float v) {
	int t = texture * 4;
	int offset = ld(s.textures + t);
	int width = ld(s.textures + t + 1);
	int height = ld(s.textures + t + 2);
	int modes = ld(s.textures + t + 3);
	int wrapS = modes & 15;
	int wrapT = (int) ((uint32_t) modes >> 4);
	float x = u * width - 0.5f;
	float y = v * height - 0.5f;
	int x0 = (int) floorf(x);
	int y0 = (int) floorf(y);
	float fx = x - x0;
	float fy = y - y0;
	int ax = wrap(x0, width, wrapS);
	int bx = wrap(x0 + 1, width, wrapS);
	int ay = wrap(y0, height, wrapT);
	int by = wrap(y0 + 1, height, wrapT);
	const float4* texels = reinterpret_cast<const float4*>(s.texels + offset);
	float4 p00 = ld(texels + (ay * width + ax));
	float4 p01 = ld(texels + (ay * width + bx));
	float4 p10 = ld(texels + (by * width + ax));
	float4 p11 = ld(texels + (by * width + bx));
	float gx = 1 - fx, gy = 1 - fy;
	float4 out;
	out.x = (p00.x * gx + p01.x * fx) * gy + (p10.x * gx + p11.x * fx) * fy;
	out.y = (p00.y * gx + p01.y * fx) * gy + (p10.y * gx + p11.y * fx) * fy;
	out.z = (p00.z * gx + p01.z * fx) * gy + (p10.z * gx + p11.z * fx) * fy;
	out.w = (p00.w * gx + p01.w * fx) * gy + (p10.w * gx + p11.w * fx) * fy;
	return out;
}

/** Distributions.find: the last entry of cdf[offset, offset + count) not above u. */
PT_FN int find(const float* cdf, int offset, int count, float u) {
	int lo = 0;
	int hi = count - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) >> 1;
		if (ld(cdf + offset + mid) <= u) {
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	return lo;
}

// ---------------------------------------------------------------------------------------------------------------
// EnvironmentLight

PT_FN float env_u(float dx, float dz) {
	float u = atan2f(dx, -dz) * INV_2PI;
	return u < 0 ? u + 1 : u;
}

PT_FN float env_v(float dy) {
	return acosf(clampf(dy, -1.0f, 1.0f)) * INV_PI;
}

PT_FN float3 env_radiance(const SceneView& s, float dx, float dy, float dz) {
	if (s.envTexture < 0) {
		return make_float3(s.envR, s.envG, s.envB);
	}
	float4 t = texture(s, s.envTexture, env_u(dx, dz), env_v(dy));
	return make_float3(s.envR * t.x, s.envG * t.y, s.envB * t.z);
}

PT_FN float env_pdf(const SceneView& s, float dx, float dy, float dz) {
	if (!s.envSampled) {
		return 0;
	}
	if (s.envTexture < 0) {
		return INV_4PI;
	}
	float sinTheta = sqrtf(fmaxf(0.0f, 1 - dy * dy));
	if (sinTheta == 0) {
		return 0;
	}
	int row = min((int) (env_v(dy) * s.envRows), s.envRows - 1);
	int column = min((int) (env_u(dx, dz) * s.envColumns), s.envColumns - 1);
	return ld(s.environmentPdf + row * s.envColumns + column) * INV_2PI2 / sinTheta;
}

PT_FN float within(const float* cdf, int i, float u) {
	float lo = ld(cdf + i);
	float width = ld(cdf + i + 1) - lo;
	return width > 0 ? fminf((u - lo) / width, 0x1.fffffep-1f) : 0;
}

struct EnvSample {
	float x, y, z, pdf, r, g, b;
};

PT_FN EnvSample env_sample(const SceneView& s, float u0, float u1) {
	EnvSample e;
	if (s.envTexture < 0) {
		e.z = 1 - 2 * u0;
		float radius = sqrtf(fmaxf(0.0f, 1 - e.z * e.z));
		float phi = TWO_PI * u1;
		float sinPhi, cosPhi;
		sincosf(phi, &sinPhi, &cosPhi);
		e.x = radius * cosPhi;
		e.y = radius * sinPhi;
		e.pdf = INV_4PI;
		e.r = s.envR;
		e.g = s.envG;
		e.b = s.envB;
		return e;
	}
	int rows = s.envRows, columns = s.envColumns;
	int row = find(s.environmentMarginal, 0, rows, u0);
	float v = (row + within(s.environmentMarginal, row, u0)) / rows;
	int offset = row * (columns + 1);
	int column = find(s.environmentConditional, offset, columns, u1);
	float u = (column + within(s.environmentConditional, offset + column, u1)) / columns;
	float theta = PI * v;
	float phi = TWO_PI * u;
	float sinTheta = sinf(theta);
	float sinPhi, cosPhi;
	sincosf(phi, &sinPhi, &cosPhi);
	e.x = sinTheta * sinPhi;
	e.y = cosf(theta);
	e.z = -sinTheta * cosPhi;
	e.pdf = sinTheta > 0 ? ld(s.environmentPdf + row * columns + column) * INV_2PI2 / sinTheta : 0;
	float4 t = texture(s, s.envTexture, u, v);
	e.r = s.envR * t.x;
	e.g = s.envG * t.y;
	e.b = s.envB * t.z;
	return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Bsdf: Lambert + GGX (VNDF sampling), dielectric albedo table, metallic; as Bsdf.java.

PT_FN float schlick_weight(float c) {
	float m = clampf(1 - c, 0.0f, 1.0f);
	float m2 = m * m;
	return m2 * m2 * m;
}

PT_FN float luminance(float r, float g, float b) {
	return 0.2126f * r + 0.7152f * g + 0.0722f * b;
}

PT_FN float dielectric_albedo(const float* table, float c, float roughness) {
	float x = sqrtf(clampf(c, 0.0f, 1.0f)) * (ALBEDO_SIZE - 1);
	float y = clampf(roughness, 0.0f, 1.0f) * (ALBEDO_SIZE - 1);
	int x0 = min((int) x, ALBEDO_SIZE - 2);
	int y0 = min((int) y, ALBEDO_SIZE - 2);
	float fx = x - x0;
	float fy = y - y0;
	const float* t = table + y0 * ALBEDO_SIZE + x0;
	return (ld(t) * (1 - fx) + ld(t + 1) * fx) * (1 - fy) + (ld(t + ALBEDO_SIZE) * (1 - fx) + ld(t + ALBEDO_SIZE + 1) * fx) * fy;
}

struct Bsdf {
	float baseR, baseG, baseB, metallic, specular, alpha, alpha2, diffuseWeight, specularProbability;
	bool specularLobe;
};

/** f · cos θ_in and the sampling pdf (solid angle). */
struct BsdfValue {
	float r, g, b, pdf;
};

PT_FN Bsdf bsdf_setup(const float* table, float baseR, float baseG, float baseB, float metallic, float roughness, float specular, float cosOut) {
	Bsdf f;
	f.baseR = baseR;
	f.baseG = baseG;
	f.baseB = baseB;
	f.metallic = metallic;
	f.specular = specular;
	f.alpha = fmaxf(roughness * roughness, MIN_ALPHA);
	f.alpha2 = f.alpha * f.alpha;
	f.specularLobe = metallic > 0 || specular > 0;
	if (!f.specularLobe) {
		f.diffuseWeight = 1;
		f.specularProbability = 0;
		return f;
	}
	float weight = schlick_weight(cosOut);
	float dielectric = specular * dielectric_albedo(table, cosOut, roughness);
	float specularWeight = (1 - metallic) * dielectric
			+ metallic * luminance(baseR + (1 - baseR) * weight, baseG + (1 - baseG) * weight, baseB + (1 - baseB) * weight);
	f.diffuseWeight = (1 - metallic) * (1 - dielectric);
	float diffuseLuminance = f.diffuseWeight * luminance(baseR, baseG, baseB);
	float total = specularWeight + diffuseLuminance;
	f.specularProbability = total > 0 ? specularWeight / total : 0;
	return f;
}

PT_FN float ggx(const Bsdf& f, float cosH) {
	float c2 = cosH * cosH;
	float k = c2 * (f.alpha2 - 1) + 1;
	return f.alpha2 / (PI * k * k);
}

PT_FN float smith_lambda(const Bsdf& f, float cosTheta) {
	float c2 = cosTheta * cosTheta;
	float tan2 = fmaxf(0.0f, 1 - c2) / c2;
	return 0.5f * (sqrtf(1 + f.alpha2 * tan2) - 1);
}

PT_FN BsdfValue bsdf_eval(const Bsdf& f, float vx, float vy, float vz, float lx, float ly, float lz) {
	BsdfValue e;
	if (vz <= 0 || lz <= 0) {
		e.r = e.g = e.b = e.pdf = 0;
		return e;
	}
	if (!f.specularLobe) {
		float diffuse = INV_PI * lz;
		e.r = diffuse * f.baseR;
		e.g = diffuse * f.baseG;
		e.b = diffuse * f.baseB;
		e.pdf = diffuse;
		return e;
	}
	float hx = vx + lx;
	float hy = vy + ly;
	float hz = vz + lz;
	float length = sqrtf(hx * hx + hy * hy + hz * hz);
	hx /= length;
	hy /= length;
	hz /= length;
	float vDotH = fmaxf(vx * hx + vy * hy + vz * hz, 0.0f);
	float weight = schlick_weight(vDotH);
	float dielectric = f.specular * (0.04f + 0.96f * weight);
	float d = ggx(f, hz);
	float lambdaV = smith_lambda(f, vz);
	float specularTerm = d / (4 * vz * (1 + lambdaV + smith_lambda(f, lz)));
	float diffuseTerm = f.diffuseWeight * INV_PI * lz;
	float dielectricSpecular = (1 - f.metallic) * dielectric;
	e.r = diffuseTerm * f.baseR + (dielectricSpecular + f.metallic * (f.baseR + (1 - f.baseR) * weight)) * specularTerm;
	e.g = diffuseTerm * f.baseG + (dielectricSpecular + f.metallic * (f.baseG + (1 - f.baseG) * weight)) * specularTerm;
	e.b = diffuseTerm * f.baseB + (dielectricSpecular + f.metallic * (f.baseB + (1 - f.baseB) * weight)) * specularTerm;
	float specularPdf = d / (4 * vz * (1 + lambdaV));
	e.pdf = f.specularProbability * specularPdf + (1 - f.specularProbability) * lz * INV_PI;
	return e;
}

/** Heitz 2018: a visible microfacet normal for view v. */
PT_FN float3 sample_visible_normal(const Bsdf& f, float vx, float vy, float vz, float u1, float u2) {
	float hx = f.alpha * vx;
	float hy = f.alpha * vy;
	float hz = vz;
	float length = sqrtf(hx * hx + hy * hy + hz * hz);
	hx /= length;
	hy /= length;
	hz /= length;
	float lengthSquared = hx * hx + hy * hy;
	float t1x = 1;
	float t1y = 0;
	if (lengthSquared > 0) {
		float inv = 1 / sqrtf(lengthSquared);
		t1x = -hy * inv;
		t1y = hx * inv;
	}
	float t2x = -hz * t1y;
	float t2y = hz * t1x;
	float t2z = hx * t1y - hy * t1x;
	float r = sqrtf(u1);
	float phi = 2 * PI * u2;
	float sinPhi, cosPhi;
	sincosf(phi, &sinPhi, &cosPhi);
	float p1 = r * cosPhi;
	float p2 = r * sinPhi;
	float s = 0.5f * (1 + hz);
	p2 = (1 - s) * sqrtf(fmaxf(0.0f, 1 - p1 * p1)) + s * p2;
	float p3 = sqrtf(fmaxf(0.0f, 1 - p1 * p1 - p2 * p2));
	float nx = p1 * t1x + p2 * t2x + p3 * hx;
	float ny = p1 * t1y + p2 * t2y + p3 * hy;
	float nz = p2 * t2z + p3 * hz;
	nx *= f.alpha;
	ny *= f.alpha;
	nz = fmaxf(nz, 0.0f);
	length = sqrtf(nx * nx + ny * ny + nz * nz);
	return make_float3(nx / length, ny / length, nz / length);
}

/** Samples an in direction w for out direction v; false when it falls below the surface or has no pdf. */
PT_FN bool bsdf_sample(const Bsdf& f, float vx, float vy, float vz, float u0, float u1, float u2, float3& w, BsdfValue& e) {
	if (u0 < f.specularProbability) {
		float3 h = sample_visible_normal(f, vx, vy, vz, u1, u2);
		float vDotH = vx * h.x + vy * h.y + vz * h.z;
		w.x = 2 * vDotH * h.x - vx;
		w.y = 2 * vDotH * h.y - vy;
		w.z = 2 * vDotH * h.z - vz;
	} else {
		float radius = sqrtf(u1);
		float phi = 2 * PI * u2;
		float sinPhi, cosPhi;
		sincosf(phi, &sinPhi, &cosPhi);
		w.x = radius * cosPhi;
		w.y = radius * sinPhi;
		w.z = sqrtf(fmaxf(0.0f, 1 - u1));
	}
	if (w.z <= 0) {
		return false;
	}
	e = bsdf_eval(f, vx, vy, vz, w.x, w.y, w.z);
	return e.pdf > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Intersector: BVH traversal with an explicit stack, watertight triangles (Woop, Benthin and Wald 2013).

struct Ray {
	float ox, oy, oz;
	float invX, invY, invZ;
	bool negX, negY, negZ;
	int kx, ky, kz;
	float shearX, shearY, shearZ;
	float px, py, pz;
};

PT_FN float component(float x, float y, float z, int axis) {
	return axis == 0 ? x : (axis == 1 ? y : z);
}

PT_FN float inverse(float d) {
	float inv = 1 / d;
	return isinf(inv) ? copysignf(FLT_MAX, d) : inv;
}

PT_FN Ray setup_ray(float ox, float oy, float oz, float dx, float dy, float dz) {
	Ray r;
	r.ox = ox;
	r.oy = oy;
	r.oz = oz;
	r.invX = inverse(dx);
	r.invY = inverse(dy);
	r.invZ = inverse(dz);
	r.negX = !(r.invX >= 0);
	r.negY = !(r.invY >= 0);
	r.negZ = !(r.invZ >= 0);
	float ax = fabsf(dx);
	float ay = fabsf(dy);
	float az = fabsf(dz);
	r.kz = ax > ay ? (ax > az ? 0 : 2) : (ay > az ? 1 : 2);
	r.kx = r.kz == 2 ? 0 : r.kz + 1;
	r.ky = r.kx == 2 ? 0 : r.kx + 1;
	float dkz = component(dx, dy, dz, r.kz);
	if (dkz < 0) {
		int swap = r.kx;
		r.kx = r.ky;
		r.ky = swap;
	}
	r.shearX = component(dx, dy, dz, r.kx) / dkz;
	r.shearY = component(dx, dy, dz, r.ky) / dkz;
	r.shearZ = 1 / dkz;
	r.px = component(ox, oy, oz, r.kx);
	r.py = component(ox, oy, oz, r.ky);
	r.pz = component(ox, oy, oz, r.kz);
	return r;
}

/** The entry distance into a node's box within [0, tMax], or +∞ on a miss. */
PT_FN float box(const SceneView& s, const Ray& r, int node, float tMax) {
	float4 lo = ld(s.nodes + 2 * node);
	float4 hi = ld(s.nodes + 2 * node + 1);
	float x0 = ((r.negX ? hi.x : lo.x) - r.ox) * r.invX;
	float x1 = ((r.negX ? lo.x : hi.x) - r.ox) * r.invX;
	float y0 = ((r.negY ? hi.y : lo.y) - r.oy) * r.invY;
	float y1 = ((r.negY ? lo.y : hi.y) - r.oy) * r.invY;
	float z0 = ((r.negZ ? hi.z : lo.z) - r.oz) * r.invZ;
	float z1 = ((r.negZ ? lo.z : hi.z) - r.oz) * r.invZ;
	float near = fmaxf(fmaxf(x0, y0), fmaxf(z0, 0.0f));
	float far = fminf(fminf(x1, y1), fminf(z1, tMax)) * FAR_SCALE;
	return near <= far ? near : INFINITY;
}

struct Hit {
	float t, u, v;
	int triangle;
};

/** Tests triangle t within (0, tMax); on a hit sets distance and barycentrics of v1, v2. */
PT_FN bool triangle(const SceneView& s, const Ray& r, int t, float tMax, float& distance, float& bu, float& bv) {
	const float* p = s.triangles + 9 * (size_t) t;
	float az = sub_rn(ld(p + r.kz), r.pz);
	float bz = sub_rn(ld(p + 3 + r.kz), r.pz);
	float cz = sub_rn(ld(p + 6 + r.kz), r.pz);
	float ax = sub_rn(sub_rn(ld(p + r.kx), r.px), mul_rn(r.shearX, az));
	float ay = sub_rn(sub_rn(ld(p + r.ky), r.py), mul_rn(r.shearY, az));
	float bx = sub_rn(sub_rn(ld(p + 3 + r.kx), r.px), mul_rn(r.shearX, bz));
	float by = sub_rn(sub_rn(ld(p + 3 + r.ky), r.py), mul_rn(r.shearY, bz));
	float cx = sub_rn(sub_rn(ld(p + 6 + r.kx), r.px), mul_rn(r.shearX, cz));
	float cy = sub_rn(sub_rn(ld(p + 6 + r.ky), r.py), mul_rn(r.shearY, cz));
	float u = sub_rn(mul_rn(cx, by), mul_rn(cy, bx));
	float v = sub_rn(mul_rn(ax, cy), mul_rn(ay, cx));
	float w = sub_rn(mul_rn(bx, ay), mul_rn(by, ax));
	if (u == 0 || v == 0 || w == 0) {
		u = (float) dsub_rn(dmul_rn(cx, by), dmul_rn(cy, bx));
		v = (float) dsub_rn(dmul_rn(ax, cy), dmul_rn(ay, cx));
		w = (float) dsub_rn(dmul_rn(bx, ay), dmul_rn(by, ax));
	}
	if ((u < 0 || v < 0 || w < 0) && (u > 0 || v > 0 || w > 0)) {
		return false;
	}
	float det = u + v + w;
	if (det == 0) {
		return false;
	}
	float d = (u * az + v * bz + w * cz) * r.shearZ / det;
	if (!(d > 0 && d < tMax)) {
		return false;
	}
	distance = d;
	bu = v / det;
	bv = w / det;
	return true;
}

PT_FN bool closest_hit(const SceneView& s, const Ray& r, float tMax, Hit& hit, int* stack, float* stackNear) {
	hit.t = tMax;
	hit.triangle = -1;
	if (box(s, r, 0, tMax) == INFINITY) {
		return false;
	}
	int sp = 0;
	int node = 0;
	while (true) {
		float4 hi = ld(s.nodes + 2 * node + 1);
		int count = as_int(hi.w);
		if (count > 0) {
			int first = as_int(ld(s.nodes + 2 * node).w);
			for (int t = first; t < first + count; t++) {
				float d, u, v;
				if (triangle(s, r, t, hit.t, d, u, v)) {
					hit.t = d;
					hit.u = u;
					hit.v = v;
					hit.triangle = t;
				}
			}
		} else {
			int left = node + 1;
			int right = as_int(ld(s.nodes + 2 * node).w);
			float nearLeft = box(s, r, left, hit.t);
			float nearRight = box(s, r, right, hit.t);
			if (nearLeft != INFINITY) {
				if (nearRight != INFINITY) {
					bool leftFirst = nearLeft <= nearRight;
					stack[sp] = leftFirst ? right : left;
					stackNear[sp++] = leftFirst ? nearRight : nearLeft;
					node = leftFirst ? left : right;
				} else {
					node = left;
				}
				continue;
			}
			if (nearRight != INFINITY) {
				node = right;
				continue;
			}
		}
		do {
			if (sp == 0) {
				return hit.triangle >= 0;
			}
			node = stack[--sp];
		} while (stackNear[sp] > hit.t);
	}
}

PT_FN bool any_hit(const SceneView& s, const Ray& r, float tMax, int* stack) {
	if (box(s, r, 0, tMax) == INFINITY) {
		return false;
	}
	int sp = 0;
	int node = 0;
	while (true) {
		float4 hi = ld(s.nodes + 2 * node + 1);
		int count = as_int(hi.w);
		if (count > 0) {
			int first = as_int(ld(s.nodes + 2 * node).w);
			for (int t = first; t < first + count; t++) {
				float d, u, v;
				if (triangle(s, r, t, tMax, d, u, v)) {
					return true;
				}
			}
		} else {
			int left = node + 1;
			int right = as_int(ld(s.nodes + 2 * node).w);
			bool hitLeft = box(s, r, left, tMax) != INFINITY;
			bool hitRight = box(s, r, right, tMax) != INFINITY;
			if (hitLeft) {
				if (hitRight) {
					stack[sp++] = right;
				}
				node = left;
				continue;
			}
			if (hitRight) {
				node = right;
				continue;
			}
		}
		if (sp == 0) {
			return false;
		}
		node = stack[--sp];
	}
}

// ---------------------------------------------------------------------------------------------------------------
// PathTracer

struct Surface {
	float px, py, pz;
	float gx, gy, gz;
	float tx, ty, tz, bx, by, bz, nx, ny, nz;
	float baseR, baseG, baseB, metallic, roughness, specular;
	float emitR, emitG, emitB, emitterAreaPdf;
};

PT_FN float offset_of(float x, float y, float z) {
	return RAY_OFFSET * (1 + fmaxf(fabsf(x), fmaxf(fabsf(y), fabsf(z))));
}

PT_FN float power_heuristic(float chosen, float other) {
	float a = chosen * chosen;
	return a / (a + other * other);
}

/** The emitted radiance of material (word offset m) at texture coordinates (s, q). */
PT_FN float3 emission(const SceneView& sc, int m, float s, float q) {
	float3 e = make_float3(ld(sc.materials + m + 4), ld(sc.materials + m + 5), ld(sc.materials + m + 6));
	int tex = (int) ld(sc.materials + m + 15);
	if (tex >= 0 && (e.x > 0 || e.y > 0 || e.z > 0)) {
		float4 t = texture(sc, tex, s, q);
		e.x = t.x * e.x;
		e.y = t.y * e.y;
		e.z = t.z * e.z;
	}
	return e;
}

PT_FN Surface surface(const SceneView& sc, int t, float u, float v, float dx, float dy, float dz) {
	Surface f;
	float w = 1 - u - v;
	const float* p = sc.triangles + 9 * (size_t) t;
	float p0x = ld(p), p0y = ld(p + 1), p0z = ld(p + 2);
	float p1x = ld(p + 3), p1y = ld(p + 4), p1z = ld(p + 5);
	float p2x = ld(p + 6), p2y = ld(p + 7), p2z = ld(p + 8);
	f.px = w * p0x + u * p1x + v * p2x;
	f.py = w * p0y + u * p1y + v * p2y;
	f.pz = w * p0z + u * p1z + v * p2z;
	float e1x = p1x - p0x, e1y = p1y - p0y, e1z = p1z - p0z;
	float e2x = p2x - p0x, e2y = p2y - p0y, e2z = p2z - p0z;
	f.gx = e1y * e2z - e1z * e2y;
	f.gy = e1z * e2x - e1x * e2z;
	f.gz = e1x * e2y - e1y * e2x;
	float inv = 1 / sqrtf(f.gx * f.gx + f.gy * f.gy + f.gz * f.gz);
	f.gx *= inv;
	f.gy *= inv;
	f.gz *= inv;
	int i0 = ld(sc.triangleVertices + 3 * (size_t) t);
	int i1 = ld(sc.triangleVertices + 3 * (size_t) t + 1);
	int i2 = ld(sc.triangleVertices + 3 * (size_t) t + 2);
	const float* n = sc.normals;
	f.nx = w * ld(n + 3 * i0) + u * ld(n + 3 * i1) + v * ld(n + 3 * i2);
	f.ny = w * ld(n + 3 * i0 + 1) + u * ld(n + 3 * i1 + 1) + v * ld(n + 3 * i2 + 1);
	f.nz = w * ld(n + 3 * i0 + 2) + u * ld(n + 3 * i1 + 2) + v * ld(n + 3 * i2 + 2);
	const float* uvs = sc.texcoords;
	float s = w * ld(uvs + 2 * i0) + u * ld(uvs + 2 * i1) + v * ld(uvs + 2 * i2);
	float q = w * ld(uvs + 2 * i0 + 1) + u * ld(uvs + 2 * i1 + 1) + v * ld(uvs + 2 * i2 + 1);
	int m = ld(sc.triangleMaterials + t) * MATERIAL_STRIDE;
	const float* mat = sc.materials + m;
	int normalTexture = (int) ld(mat + 14);
	if (normalTexture >= 0 && ld(sc.tangents + 4 * i0 + 3) != 0) {
		// A tangent-space normal map perturbs the interpolated normal.
		const float* tg = sc.tangents;
		float ax = w * ld(tg + 4 * i0) + u * ld(tg + 4 * i1) + v * ld(tg + 4 * i2);
		float ay = w * ld(tg + 4 * i0 + 1) + u * ld(tg + 4 * i1 + 1) + v * ld(tg + 4 * i2 + 1);
		float az = w * ld(tg + 4 * i0 + 2) + u * ld(tg + 4 * i1 + 2) + v * ld(tg + 4 * i2 + 2);
		float length = sqrtf(f.nx * f.nx + f.ny * f.ny + f.nz * f.nz);
		if (length > 0) {
			float mx = f.nx / length, my = f.ny / length, mz = f.nz / length;
			float along = ax * mx + ay * my + az * mz;
			ax -= along * mx;
			ay -= along * my;
			az -= along * mz;
			float tangentLength = sqrtf(ax * ax + ay * ay + az * az);
			if (tangentLength > 0) {
				ax /= tangentLength;
				ay /= tangentLength;
				az /= tangentLength;
				float sign = ld(tg + 4 * i0 + 3) < 0 ? -1.0f : 1.0f;
				float cx = (my * az - mz * ay) * sign;
				float cy = (mz * ax - mx * az) * sign;
				float cz = (mx * ay - my * ax) * sign;
				float4 texel = texture(sc, normalTexture, s, q);
				float scale = ld(mat + 10);
				float x = (2 * texel.x - 1) * scale;
				float y = (2 * texel.y - 1) * scale;
				float z = 2 * texel.z - 1;
				f.nx = ax * x + cx * y + mx * z;
				f.ny = ay * x + cy * y + my * z;
				f.nz = az * x + cz * y + mz * z;
			}
		}
	}
	float length = sqrtf(f.nx * f.nx + f.ny * f.ny + f.nz * f.nz);
	if (length > 0) {
		f.nx /= length;
		f.ny /= length;
		f.nz /= length;
	} else {
		f.nx = f.gx;
		f.ny = f.gy;
		f.nz = f.gz;
	}
	bool front = f.gx * dx + f.gy * dy + f.gz * dz < 0;
	if (!front) {
		f.gx = -f.gx;
		f.gy = -f.gy;
		f.gz = -f.gz;
		f.nx = -f.nx;
		f.ny = -f.ny;
		f.nz = -f.nz;
	}
	if (f.nx * dx + f.ny * dy + f.nz * dz >= 0) {
		f.nx = f.gx;
		f.ny = f.gy;
		f.nz = f.gz;
	}
	// An orthonormal frame around n (Duff et al. 2017).
	float sign = copysignf(1.0f, f.nz);
	float a = -1 / (sign + f.nz);
	float b = f.nx * f.ny * a;
	f.tx = 1 + sign * f.nx * f.nx * a;
	f.ty = sign * b;
	f.tz = -sign * f.nx;
	f.bx = b;
	f.by = sign + f.ny * f.ny * a;
	f.bz = -f.ny;
	// The material at (s, q).
	f.baseR = ld(mat);
	f.baseG = ld(mat + 1);
	f.baseB = ld(mat + 2);
	f.metallic = ld(mat + 7);
	f.roughness = ld(mat + 8);
	f.specular = ld(mat + 9);
	int baseTexture = (int) ld(mat + 12);
	if (baseTexture >= 0) {
		float4 texel = texture(sc, baseTexture, s, q);
		f.baseR *= texel.x;
		f.baseG *= texel.y;
		f.baseB *= texel.z;
	}
	int metallicRoughness = (int) ld(mat + 13);
	if (metallicRoughness >= 0) {
		float4 texel = texture(sc, metallicRoughness, s, q);
		f.roughness *= texel.y;
		f.metallic *= texel.z;
	}
	f.emitR = f.emitG = f.emitB = 0;
	f.emitterAreaPdf = ld(mat + 16);
	if (front || ld(mat + 11) != 0) {
		float3 e = emission(sc, m, s, q);
		f.emitR = e.x;
		f.emitG = e.y;
		f.emitB = e.z;
	}
	return f;
}

/** The BSDF for world direction w; false when w is below the geometric surface or reflects nothing. */
PT_FN bool evaluate(const Surface& f, const Bsdf& bsdf, float wx, float wy, float wz, float vx, float vy, float vz, BsdfValue& e) {
	if (wx * f.gx + wy * f.gy + wz * f.gz <= 0) {
		return false;
	}
	e = bsdf_eval(bsdf, vx, vy, vz, wx * f.tx + wy * f.ty + wz * f.tz, wx * f.bx + wy * f.by + wz * f.bz, wx * f.nx + wy * f.ny + wz * f.nz);
	return e.r > 0 || e.g > 0 || e.b > 0;
}

/**
 * Next-event estimation at the current vertex: the punctual light(s), one emitter point and one environment
 * direction, in that order (the order Java draws their random numbers in), each through one shadow-ray call site.
 */
PT_FN float3 direct_light(const SceneView& sc, const Surface& f, const Bsdf& bsdf, float vx, float vy, float vz, Rng& rng, uint32_t& rays, int* stack) {
	float3 direct = make_float3(0, 0, 0);
	float off = offset_of(f.px, f.py, f.pz);
	float ox = f.px + f.gx * off;
	float oy = f.py + f.gy * off;
	float oz = f.pz + f.gz * off;
	int lights = sc.lightCount;
	int punctual = lights <= ALL_PUNCTUAL_LIGHTS ? lights : 1;
	int picked = -1;
	float scale = 1;
	if (lights > ALL_PUNCTUAL_LIGHTS) {
		picked = min((int) (rng.nextFloat() * lights), lights - 1);
		scale = (float) lights;
	}
	int steps = punctual + (sc.emitterCount > 0 ? 1 : 0) + (sc.envSampled ? 1 : 0);
	for (int k = 0; k < steps; k++) {
		float wx, wy, wz, tMax, lr, lg, lb;
		BsdfValue e;
		bool candidate = false;
		if (k < punctual) {
			int o = (picked >= 0 ? picked : k) * LIGHT_STRIDE;
			const float* light = sc.lights + o;
			int type = (int) ld(light);
			tMax = INFINITY;
			float attenuation = scale;
			if (type == 2) {
				wx = -ld(light + 8);
				wy = -ld(light + 9);
				wz = -ld(light + 10);
			} else {
				wx = ld(light + 4) - ox;
				wy = ld(light + 5) - oy;
				wz = ld(light + 6) - oz;
				float d2 = wx * wx + wy * wy + wz * wz;
				tMax = sqrtf(d2);
				wx /= tMax;
				wy /= tMax;
				wz /= tMax;
				attenuation /= d2;
				float range = ld(light + 7);
				if (range > 0) {
					float ratio = tMax / range;
					float r2 = ratio * ratio;
					attenuation *= fmaxf(fminf(1 - r2 * r2, 1.0f), 0.0f);
				}
				if (type == 1) {
					float c = -(ld(light + 8) * wx + ld(light + 9) * wy + ld(light + 10) * wz);
					float cone = clampf(c * ld(light + 11) + ld(light + 12), 0.0f, 1.0f);
					attenuation *= cone * cone;
				}
			}
			if (attenuation > 0 && evaluate(f, bsdf, wx, wy, wz, vx, vy, vz, e)) {
				lr = ld(light + 1) * attenuation;
				lg = ld(light + 2) * attenuation;
				lb = ld(light + 3) * attenuation;
				candidate = true;
			}
		} else if (k == punctual && sc.emitterCount > 0) {
			float u0 = rng.nextFloat();
			float root = sqrtf(rng.nextFloat());
			float u = rng.nextFloat() * root;
			float v = 1 - root;
			float w = 1 - u - v;
			int t = ld(sc.emitters + find(sc.emitterCdf, 0, sc.emitterCount, u0));
			const float* p = sc.triangles + 9 * (size_t) t;
			float p0x = ld(p), p0y = ld(p + 1), p0z = ld(p + 2);
			float p1x = ld(p + 3), p1y = ld(p + 4), p1z = ld(p + 5);
			float p2x = ld(p + 6), p2y = ld(p + 7), p2z = ld(p + 8);
			float qx = w * p0x + u * p1x + v * p2x;
			float qy = w * p0y + u * p1y + v * p2y;
			float qz = w * p0z + u * p1z + v * p2z;
			float e1x = p1x - p0x, e1y = p1y - p0y, e1z = p1z - p0z;
			float e2x = p2x - p0x, e2y = p2y - p0y, e2z = p2z - p0z;
			float lx = e1y * e2z - e1z * e2y;
			float ly = e1z * e2x - e1x * e2z;
			float lz = e1x * e2y - e1y * e2x;
			wx = qx - ox;
			wy = qy - oy;
			wz = qz - oz;
			float d2 = wx * wx + wy * wy + wz * wz;
			float distance = sqrtf(d2);
			wx /= distance;
			wy /= distance;
			wz /= distance;
			int m = ld(sc.triangleMaterials + t) * MATERIAL_STRIDE;
			float cosLight = -(lx * wx + ly * wy + lz * wz) / sqrtf(lx * lx + ly * ly + lz * lz);
			if (ld(sc.materials + m + 11) != 0) {
				cosLight = fabsf(cosLight);
			}
			if (cosLight > 0 && evaluate(f, bsdf, wx, wy, wz, vx, vy, vz, e)) {
				float lightPdf = ld(sc.materials + m + 16) * d2 / cosLight;
				float weight = power_heuristic(lightPdf, e.pdf) / lightPdf;
				int i0 = ld(sc.triangleVertices + 3 * (size_t) t);
				int i1 = ld(sc.triangleVertices + 3 * (size_t) t + 1);
				int i2 = ld(sc.triangleVertices + 3 * (size_t) t + 2);
				const float* uvs = sc.texcoords;
				float3 emitted = emission(sc, m, w * ld(uvs + 2 * i0) + u * ld(uvs + 2 * i1) + v * ld(uvs + 2 * i2),
						w * ld(uvs + 2 * i0 + 1) + u * ld(uvs + 2 * i1 + 1) + v * ld(uvs + 2 * i2 + 1));
				lr = emitted.x * weight;
				lg = emitted.y * weight;
				lb = emitted.z * weight;
				tMax = distance - offset_of(qx, qy, qz);
				candidate = true;
			}
		} else {
			float u0 = rng.nextFloat();
			float u1 = rng.nextFloat();
			EnvSample env = env_sample(sc, u0, u1);
			wx = env.x;
			wy = env.y;
			wz = env.z;
			if (env.pdf > 0 && evaluate(f, bsdf, wx, wy, wz, vx, vy, vz, e)) {
				float weight = power_heuristic(env.pdf, e.pdf) / env.pdf;
				lr = env.r * weight;
				lg = env.g * weight;
				lb = env.b * weight;
				tMax = INFINITY;
				candidate = true;
			}
		}
		if (candidate) {
			rays++;
			if (!any_hit(sc, setup_ray(ox, oy, oz, wx, wy, wz), tMax, stack)) {
				direct.x += e.r * lr;
				direct.y += e.g * lg;
				direct.z += e.b * lb;
			}
		}
	}
	return direct;
}

struct Camera {
	float ox, oy, oz, fx, fy, fz, rx, ry, rz, ux, uy, uz, width, height;
};

struct PixelSample {
	float r, g, b;
	float albedoR, albedoG, albedoB;
	float normalX, normalY, normalZ;
	uint32_t rays;
};

/** One sample of pixel (x, y): PathTracer.sample. */
PT_FN PixelSample trace_pixel(const SceneView& sc, const Camera& cam, int x, int y, int width, int sampleIndex, int64_t seed, int maxBounces, int* stack,
		float* stackNear) {
	PixelSample out;
	Rng rng;
	rng.reset(seed, y * width + x, sampleIndex);
	float filmX = x + rng.nextFloat();
	float filmY = y + rng.nextFloat();
	float sx = 2 * filmX / cam.width - 1;
	float sy = 1 - 2 * filmY / cam.height;
	float dx = cam.fx + sx * cam.rx + sy * cam.ux;
	float dy = cam.fy + sx * cam.ry + sy * cam.uy;
	float dz = cam.fz + sx * cam.rz + sy * cam.uz;
	float inv = 1 / sqrtf(dx * dx + dy * dy + dz * dz);
	dx *= inv;
	dy *= inv;
	dz *= inv;
	float ox = cam.ox, oy = cam.oy, oz = cam.oz;
	float betaR = 1, betaG = 1, betaB = 1;
	float sumR = 0, sumG = 0, sumB = 0;
	float previousPdf = 0;
	out.albedoR = out.albedoG = out.albedoB = out.normalX = out.normalY = out.normalZ = 0;
	uint32_t rays = 0;
	for (int bounce = 0;; bounce++) {
		rays++;
		Hit hit;
		if (!closest_hit(sc, setup_ray(ox, oy, oz, dx, dy, dz), INFINITY, hit, stack, stackNear)) {
			float3 L = env_radiance(sc, dx, dy, dz);
			float weight = bounce == 0 ? 1 : power_heuristic(previousPdf, env_pdf(sc, dx, dy, dz));
			sumR += betaR * L.x * weight;
			sumG += betaG * L.y * weight;
			sumB += betaB * L.z * weight;
			break;
		}
		Surface f = surface(sc, hit.triangle, hit.u, hit.v, dx, dy, dz);
		if (bounce == 0) {
			out.albedoR = f.baseR;
			out.albedoG = f.baseG;
			out.albedoB = f.baseB;
			out.normalX = f.nx;
			out.normalY = f.ny;
			out.normalZ = f.nz;
		}
		if (f.emitR > 0 || f.emitG > 0 || f.emitB > 0) {
			float weight = 1;
			if (bounce > 0 && f.emitterAreaPdf > 0) {
				float cosLight = fabsf(f.gx * dx + f.gy * dy + f.gz * dz);
				weight = power_heuristic(previousPdf, f.emitterAreaPdf * hit.t * hit.t / cosLight);
			}
			sumR += betaR * f.emitR * weight;
			sumG += betaG * f.emitG * weight;
			sumB += betaB * f.emitB * weight;
		}
		if (bounce >= maxBounces) {
			break;
		}
		float vx = -(dx * f.tx + dy * f.ty + dz * f.tz);
		float vy = -(dx * f.bx + dy * f.by + dz * f.bz);
		float vz = -(dx * f.nx + dy * f.ny + dz * f.nz);
		Bsdf bsdf = bsdf_setup(sc.albedo, f.baseR, f.baseG, f.baseB, f.metallic, f.roughness, f.specular, vz);
		float3 direct = direct_light(sc, f, bsdf, vx, vy, vz, rng, rays, stack);
		sumR += betaR * direct.x;
		sumG += betaG * direct.y;
		sumB += betaB * direct.z;
		float u0 = rng.nextFloat();
		float u1 = rng.nextFloat();
		float u2 = rng.nextFloat();
		float3 w;
		BsdfValue e;
		if (!bsdf_sample(bsdf, vx, vy, vz, u0, u1, u2, w, e)) {
			break;
		}
		dx = w.x * f.tx + w.y * f.bx + w.z * f.nx;
		dy = w.x * f.ty + w.y * f.by + w.z * f.ny;
		dz = w.x * f.tz + w.y * f.bz + w.z * f.nz;
		if (dx * f.gx + dy * f.gy + dz * f.gz <= 0) {
			break;
		}
		betaR *= e.r / e.pdf;
		betaG *= e.g / e.pdf;
		betaB *= e.b / e.pdf;
		previousPdf = e.pdf;
		if (bounce + 1 >= ROULETTE_BOUNCE) {
			float survival = fmaxf(betaR, fmaxf(betaG, betaB));
			if (survival < 1) {
				if (rng.nextFloat() >= survival) {
					break;
				}
				betaR /= survival;
				betaG /= survival;
				betaB /= survival;
			}
		}
		float off = offset_of(f.px, f.py, f.pz);
		ox = f.px + f.gx * off;
		oy = f.py + f.gy * off;
		oz = f.pz + f.gz * off;
	}
	if (isfinite(sumR) && isfinite(sumG) && isfinite(sumB)) {
		out.r = sumR;
		out.g = sumG;
		out.b = sumB;
	} else {
		out.r = out.g = out.b = 0;
	}
	out.rays = rays;
	return out;
}

} // namespace pt

#if defined(__CUDACC__) && !defined(PATHTRACE_HOST_ONLY)
namespace pt {
/** Adds a block's camera and total rays to the counters: warp shuffles, shared memory, one atomic pair per block. */
__device__ __forceinline__ void count_rays(unsigned long long* counters, uint32_t primary, uint32_t rays) {
	for (int o = 16; o > 0; o >>= 1) {
		primary += __shfl_down_sync(0xffffffffu, primary, o);
		rays += __shfl_down_sync(0xffffffffu, rays, o);
	}
	__shared__ uint32_t warpSums[2][32];
	int thread = threadIdx.y * blockDim.x + threadIdx.x;
	int warps = (blockDim.x * blockDim.y + 31) >> 5;
	if ((thread & 31) == 0) {
		warpSums[0][thread >> 5] = primary;
		warpSums[1][thread >> 5] = rays;
	}
	__syncthreads();
	if (thread == 0) {
		unsigned long long blockPrimary = 0, blockRays = 0;
		for (int i = 0; i < warps; i++) {
			blockPrimary += warpSums[0][i];
			blockRays += warpSums[1][i];
		}
		atomicAdd(counters, blockPrimary);
		atomicAdd(counters + 1, blockRays);
	}
}
} // namespace pt

/**
 * One pass: sample `pass` of every pixel of rows [top, bottom), added to the film's four planes; camera and total
 * rays added to counters[0] and counters[1] (one atomic pair per block). A render split over several GPUs gives each
 * its band of rows; a pixel's random stream depends on its place in the whole image, not on the band. The scene's sections come as separate pointers (into the
 * packed buffer): kernel parameters live in the constant bank, so the 18 addresses cost no registers. Launch
 * with 2D blocks of 128 threads (a multiple of 32: every lane takes part in the shuffles) covering width × (bottom − top).
 * 5 blocks per SM: at most 96 registers a thread, with some spilling; on the H100 this traced 2–4% more rays per
 * second than 4 blocks of 128 registers without spills (both builds timed by releng/gpu/render.sh, November 2026).
 */
extern "C" __global__ void __launch_bounds__(128, 5) pathtrace(const float4 *__restrict__ nodes, const float *__restrict__ triangles,
		const int *__restrict__ triangleVertices, const int *__restrict__ triangleMaterials, const float *__restrict__ normals, const float *__restrict__ texcoords,
		const float *__restrict__ tangents, const float *__restrict__ materials, const float *__restrict__ texels,
		const int *__restrict__ textures, const float *__restrict__ lights, const int *__restrict__ emitters,
		const float *__restrict__ emitterCdf, const float *__restrict__ environment, const float *__restrict__ environmentPdf,
		const float *__restrict__ environmentMarginal, const float *__restrict__ environmentConditional,
		const float *__restrict__ dielectricAlbedo, int lightCount, int emitterCount, double *__restrict__ film,
		unsigned long long *__restrict__ counters, int width, int height, int top, int bottom, int pass, long long seed, int maxBounces, float ox,
		float oy, float oz, float fx, float fy, float fz, float rx, float ry, float rz, float ux, float uy, float uz) {
	int x = blockIdx.x * blockDim.x + threadIdx.x;
	int y = top + blockIdx.y * blockDim.y + threadIdx.y;
	uint32_t primary = 0, rays = 0;
	if (x < width && y < bottom) {
		int stack[pt::MAX_DEPTH];
		float stackNear[pt::MAX_DEPTH];
		pt::SceneView sc;
		sc.nodes = nodes;
		sc.triangles = triangles;
		sc.triangleVertices = triangleVertices;
		sc.triangleMaterials = triangleMaterials;
		sc.normals = normals;
		sc.texcoords = texcoords;
		sc.tangents = tangents;
		sc.materials = materials;
		sc.texels = texels;
		sc.textures = textures;
		sc.lights = lights;
		sc.emitters = emitters;
		sc.emitterCdf = emitterCdf;
		sc.environmentPdf = environmentPdf;
		sc.environmentMarginal = environmentMarginal;
		sc.environmentConditional = environmentConditional;
		sc.albedo = dielectricAlbedo;
		sc.lightCount = lightCount;
		sc.emitterCount = emitterCount;
		pt::set_environment(sc, environment);
		pt::Camera cam = { ox, oy, oz, fx, fy, fz, rx, ry, rz, ux, uy, uz, (float) width, (float) height };
		pt::PixelSample s = pt::trace_pixel(sc, cam, x, y, width, pass, seed, maxBounces, stack, stackNear);
		size_t pixels = (size_t) width * height;
		double* at = film + 3 * ((size_t) y * width + x);
		at[0] += s.r;
		at[1] += s.g;
		at[2] += s.b;
		at += 3 * pixels;
		at[0] += (double) s.r * s.r;
		at[1] += (double) s.g * s.g;
		at[2] += (double) s.b * s.b;
		at += 3 * pixels;
		at[0] += s.albedoR;
		at[1] += s.albedoG;
		at[2] += s.albedoB;
		at += 3 * pixels;
		at[0] += s.normalX;
		at[1] += s.normalY;
		at[2] += s.normalZ;
		primary = 1;
		rays = s.rays;
	}
	pt::count_rays(counters, primary, rays);
}
#endif
