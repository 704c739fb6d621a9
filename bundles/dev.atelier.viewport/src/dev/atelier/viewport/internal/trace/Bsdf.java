package dev.atelier.viewport.internal.trace;

/**
 * glTF's metallic-roughness BRDF in the shading frame (normal +z): Lambert diffuse plus a GGX (Trowbridge–Reitz)
 * microfacet lobe with Smith's height-correlated masking-shadowing and Schlick's Fresnel:
 * <pre>
 * F_dielectric = s · (0.04 + 0.96 (1 − v·h)⁵)         s: specular factor (KHR_materials_specular)
 * F_metal      = c + (1 − c)(1 − v·h)⁵                c: base colour, m: metallic
 * f = (1 − m)(1 − s·E(n·v, r)) c/π + ((1 − m) F_dielectric + m F_metal) · D G₂ / (4 |n·v| |n·l|)
 * </pre>
 * so with s = 1 the specular Fresnel is Schlick's with F0 = mix(0.04, c, m). E(μ, r) is the directional albedo of
 * the dielectric lobe with s = 1 ({@link #DIELECTRIC_ALBEDO}): the diffuse layer gets exactly the energy that the
 * specular lobe does not reflect, so a white dielectric reflects all it receives at every angle and roughness.
 * glTF's appendix B weights the diffuse by 1 − F(v·h) instead, which on smooth surfaces at grazing angles reflects
 * up to 1.7 times what arrives; this weighting is not reciprocal, which a camera-side path tracer does not need.
 * α = roughness², at least {@value #MIN_ALPHA}. Sampling picks the specular lobe with probability proportional to
 * its estimated albedo, samples it by the distribution of visible normals (Heitz 2018), the diffuse lobe by cosine;
 * the pdf is always the mixture of both, so {@link #sample} and {@link #eval} agree exactly. Directions below the
 * surface (z ≤ 0) reflect nothing; without metal or specular reflection only Lambert's lobe is evaluated. One per
 * thread: results land in fields.
 */
final class Bsdf {

	static final float MIN_ALPHA = 1e-3f;
	/** The albedo table has this many entries per side: cos θ_v at (i / (N − 1))², roughness at j / (N − 1). */
	static final int ALBEDO_SIZE = 32;
	/**
	 * E(μ, r): the directional albedo of the GGX lobe with F = 0.04 + 0.96 (1 − v·h)⁵, row j for roughness j / 31,
	 * column i for μ = cos θ_v = (i / 31)²; read bilinearly in (√μ, r). Integrated with 32 × 32 stratified samples
	 * of the visible normals.
	 */
	static final float[] DIELECTRIC_ALBEDO = dielectricAlbedoTable();
	private static final float PI = (float) Math.PI;
	private static final float INV_PI = (float) (1 / Math.PI);

	private float baseR, baseG, baseB;
	private float metallic;
	private float specular;
	private float alpha;
	private float alpha2;
	private float diffuseWeight;
	private boolean specularLobe;
	private float specularProbability;

	/** f · cos θ of the last {@link #eval} or {@link #sample}, its pdf (solid angle), and the sampled direction. */
	float valueR, valueG, valueB, pdf;
	float wx, wy, wz;

	/** Sets the material for outgoing direction cosine {@code cosOut} (> 0). */
	void setUp(float baseR, float baseG, float baseB, float metallic, float roughness, float specular, float cosOut) {
		this.baseR = baseR;
		this.baseG = baseG;
		this.baseB = baseB;
		this.metallic = metallic;
		this.specular = specular;
		alpha = Math.max(roughness * roughness, MIN_ALPHA);
		alpha2 = alpha * alpha;
		specularLobe = metallic > 0 || specular > 0;
		if (!specularLobe) {
			diffuseWeight = 1;
			specularProbability = 0;
			return;
		}
		float weight = schlickWeight(cosOut);
		float dielectric = specular * dielectricAlbedo(cosOut, roughness);
		float specularWeight = (1 - metallic) * dielectric + metallic * luminance(baseR + (1 - baseR) * weight, baseG + (1 - baseG) * weight,
				baseB + (1 - baseB) * weight);
		diffuseWeight = (1 - metallic) * (1 - dielectric);
		float diffuseLuminance = diffuseWeight * luminance(baseR, baseG, baseB);
		float total = specularWeight + diffuseLuminance;
		specularProbability = total > 0 ? specularWeight / total : 0;
	}

	/** Evaluates f · cos θ_in and the sampling pdf for out (v) and in (l) directions, both unit. */
	void eval(float vx, float vy, float vz, float lx, float ly, float lz) {
		if (vz <= 0 || lz <= 0) {
			valueR = valueG = valueB = pdf = 0;
			return;
		}
		if (!specularLobe) {
			float diffuse = INV_PI * lz;
			valueR = diffuse * baseR;
			valueG = diffuse * baseG;
			valueB = diffuse * baseB;
			pdf = diffuse;
			return;
		}
		float hx = vx + lx;
		float hy = vy + ly;
		float hz = vz + lz;
		float length = (float) Math.sqrt(hx * hx + hy * hy + hz * hz);
		hx /= length;
		hy /= length;
		hz /= length;
		float vDotH = Math.max(vx * hx + vy * hy + vz * hz, 0);
		float weight = schlickWeight(vDotH);
		float dielectric = specular * (0.04f + 0.96f * weight);
		float d = ggx(hz);
		float lambdaV = lambda(vz);
		float specularTerm = d / (4 * vz * (1 + lambdaV + lambda(lz)));
		float diffuseTerm = diffuseWeight * INV_PI * lz;
		float dielectricSpecular = (1 - metallic) * dielectric;
		valueR = diffuseTerm * baseR + (dielectricSpecular + metallic * (baseR + (1 - baseR) * weight)) * specularTerm;
		valueG = diffuseTerm * baseG + (dielectricSpecular + metallic * (baseG + (1 - baseG) * weight)) * specularTerm;
		valueB = diffuseTerm * baseB + (dielectricSpecular + metallic * (baseB + (1 - baseB) * weight)) * specularTerm;
		float specularPdf = d / (4 * vz * (1 + lambdaV));
		pdf = specularProbability * specularPdf + (1 - specularProbability) * lz * INV_PI;
	}

	/** Samples an in direction for out direction v; false when it falls below the surface or has no pdf. */
	boolean sample(float vx, float vy, float vz, float u0, float u1, float u2) {
		if (u0 < specularProbability) {
			sampleVisibleNormal(vx, vy, vz, u1, u2);
			float vDotH = vx * wx + vy * wy + vz * wz;
			wx = 2 * vDotH * wx - vx;
			wy = 2 * vDotH * wy - vy;
			wz = 2 * vDotH * wz - vz;
		} else {
			float radius = (float) Math.sqrt(u1);
			float phi = 2 * PI * u2;
			wx = radius * (float) Math.cos(phi);
			wy = radius * (float) Math.sin(phi);
			wz = (float) Math.sqrt(Math.max(0, 1 - u1));
		}
		if (wz <= 0) {
			return false;
		}
		eval(vx, vy, vz, wx, wy, wz);
		return pdf > 0;
	}

	/** Heitz 2018: a microfacet normal distributed as D_v(h) for view v, into (wx, wy, wz). */
	private void sampleVisibleNormal(float vx, float vy, float vz, float u1, float u2) {
		float hx = alpha * vx;
		float hy = alpha * vy;
		float hz = vz;
		float length = (float) Math.sqrt(hx * hx + hy * hy + hz * hz);
		hx /= length;
		hy /= length;
		hz /= length;
		float lengthSquared = hx * hx + hy * hy;
		float t1x = 1;
		float t1y = 0;
		if (lengthSquared > 0) {
			float inv = 1 / (float) Math.sqrt(lengthSquared);
			t1x = -hy * inv;
			t1y = hx * inv;
		}
		// t2 = h × t1, with t1.z = 0
		float t2x = -hz * t1y;
		float t2y = hz * t1x;
		float t2z = hx * t1y - hy * t1x;
		float r = (float) Math.sqrt(u1);
		float phi = 2 * PI * u2;
		float p1 = r * (float) Math.cos(phi);
		float p2 = r * (float) Math.sin(phi);
		float s = 0.5f * (1 + hz);
		p2 = (1 - s) * (float) Math.sqrt(Math.max(0, 1 - p1 * p1)) + s * p2;
		float p3 = (float) Math.sqrt(Math.max(0, 1 - p1 * p1 - p2 * p2));
		float nx = p1 * t1x + p2 * t2x + p3 * hx;
		float ny = p1 * t1y + p2 * t2y + p3 * hy;
		float nz = p2 * t2z + p3 * hz;
		nx *= alpha;
		ny *= alpha;
		nz = Math.max(nz, 0);
		length = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
		wx = nx / length;
		wy = ny / length;
		wz = nz / length;
	}

	/** E(μ, r) from {@link #DIELECTRIC_ALBEDO}, bilinear in (√μ, r). */
	static float dielectricAlbedo(float cos, float roughness) {
		float x = (float) Math.sqrt(Math.clamp(cos, 0f, 1f)) * (ALBEDO_SIZE - 1);
		float y = Math.clamp(roughness, 0f, 1f) * (ALBEDO_SIZE - 1);
		int x0 = Math.min((int) x, ALBEDO_SIZE - 2);
		int y0 = Math.min((int) y, ALBEDO_SIZE - 2);
		float fx = x - x0;
		float fy = y - y0;
		int o = y0 * ALBEDO_SIZE + x0;
		float[] t = DIELECTRIC_ALBEDO;
		return (t[o] * (1 - fx) + t[o + 1] * fx) * (1 - fy) + (t[o + ALBEDO_SIZE] * (1 - fx) + t[o + ALBEDO_SIZE + 1] * fx) * fy;
	}

	private static float[] dielectricAlbedoTable() {
		float[] table = new float[ALBEDO_SIZE * ALBEDO_SIZE];
		Bsdf lobe = new Bsdf();
		int strata = 32;
		for (int j = 0; j < ALBEDO_SIZE; j++) {
			float roughness = (float) j / (ALBEDO_SIZE - 1);
			lobe.alpha = Math.max(roughness * roughness, MIN_ALPHA);
			lobe.alpha2 = lobe.alpha * lobe.alpha;
			for (int i = 0; i < ALBEDO_SIZE; i++) {
				float root = (float) i / (ALBEDO_SIZE - 1);
				float vz = Math.max(root * root, 1e-4f);
				float vx = (float) Math.sqrt(1 - vz * vz);
				double sum = 0;
				for (int a = 0; a < strata; a++) {
					for (int b = 0; b < strata; b++) {
						lobe.sampleVisibleNormal(vx, 0, vz, (a + 0.5f) / strata, (b + 0.5f) / strata);
						float vDotH = vx * lobe.wx + vz * lobe.wz;
						float lz = 2 * vDotH * lobe.wz - vz;
						if (lz > 0) {
							float lambdaV = lobe.lambda(vz);
							sum += (0.04f + 0.96f * schlickWeight(vDotH)) * (1 + lambdaV) / (1 + lambdaV + lobe.lambda(lz));
						}
					}
				}
				table[j * ALBEDO_SIZE + i] = (float) (sum / (strata * strata));
			}
		}
		return table;
	}

	/** D(h) of GGX for cos θ_h. */
	private float ggx(float cosH) {
		float c2 = cosH * cosH;
		float k = c2 * (alpha2 - 1) + 1;
		return alpha2 / (PI * k * k);
	}

	/** Smith's Λ for GGX: G1 = 1 / (1 + Λ), the height-correlated G2 = 1 / (1 + Λ(v) + Λ(l)). */
	private float lambda(float cosTheta) {
		float c2 = cosTheta * cosTheta;
		float tan2 = Math.max(0, 1 - c2) / c2;
		return 0.5f * ((float) Math.sqrt(1 + alpha2 * tan2) - 1);
	}

	private static float schlickWeight(float cos) {
		float m = Math.clamp(1 - cos, 0f, 1f);
		float m2 = m * m;
		return m2 * m2 * m;
	}

	static float luminance(float r, float g, float b) {
		return 0.2126f * r + 0.7152f * g + 0.0722f * b;
	}
}
