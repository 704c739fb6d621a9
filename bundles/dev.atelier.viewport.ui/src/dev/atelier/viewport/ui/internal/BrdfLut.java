package dev.atelier.viewport.ui.internal;

/**
 * The split-sum BRDF lookup table: for n·v (column) and roughness (row), the scale A and bias B such that the GGX
 * specular lobe (Smith height-correlated visibility, α = roughness²) with Schlick's Fresnel F0 + (F90 − F0)(1 − v·h)⁵
 * reflects F0·A + F90·B of a uniform white environment. Each texel is the integral at its centre, importance-sampled
 * by the GGX distribution of visible normals over a Hammersley set. Computed once on the CPU: 64² texels × 512 samples take
 * tens of milliseconds.
 */
public final class BrdfLut {

	public static final int SIZE = 64;
	public static final int SAMPLES = 512;
	/** The path tracer's smallest α: a perfectly smooth lobe is a delta that neither renderer samples. */
	static final double MIN_ALPHA = 1e-3;

	private static volatile float[] table;

	private BrdfLut() {
	}

	/** The table of {@link #SIZE}² texels, (A, B) interleaved, row by row from roughness 0; computed on first use. */
	public static float[] table() {
		float[] t = table;
		if (t == null) {
			t = compute(SIZE, SAMPLES);
			table = t;
		}
		return t;
	}

	public static float[] compute(int size, int samples) {
		float[] out = new float[size * size * 2];
		for (int row = 0; row < size; row++) {
			double roughness = (row + 0.5) / size;
			for (int column = 0; column < size; column++) {
				double nv = (column + 0.5) / size;
				double[] ab = integrate(nv, roughness, samples);
				out[(row * size + column) * 2] = (float) ab[0];
				out[(row * size + column) * 2 + 1] = (float) ab[1];
			}
		}
		return out;
	}

	/**
	 * {A, B} for one n·v and roughness. Samples the distribution of visible normals (Heitz 2018), whose estimator
	 * f cos / pdf = F G₂(v, l) / G₁(v) never exceeds F: no sample, however grazing, reflects more than arrives.
	 */
	public static double[] integrate(double nv, double roughness, int samples) {
		double vx = Math.sqrt(Math.max(0, 1 - nv * nv));
		double vz = nv;
		double alpha = Math.max(roughness * roughness, MIN_ALPHA);
		double lambdaV = lambda(vz, alpha);
		// the view direction in the hemisphere configuration (stretched by α), and a frame around it
		double sx = alpha * vx;
		double sz = vz;
		double len = Math.sqrt(sx * sx + sz * sz);
		sx /= len;
		sz /= len;
		// T1 = (0, 1, 0) since the view lies in the xz plane; T2 = Vh × T1
		double t2x = -sz;
		double t2z = sx;
		double a = 0;
		double b = 0;
		for (int i = 0; i < samples; i++) {
			double u1 = (i + 0.5) / samples;
			double u2 = radicalInverse(i);
			double r = Math.sqrt(u1);
			double phi = 2 * Math.PI * u2;
			double p1 = r * Math.cos(phi);
			double p2 = r * Math.sin(phi);
			double s = 0.5 * (1 + sz);
			p2 = (1 - s) * Math.sqrt(Math.max(0, 1 - p1 * p1)) + s * p2;
			double pz = Math.sqrt(Math.max(0, 1 - p1 * p1 - p2 * p2));
			// Nh = p1 T1 + p2 T2 + pz Vh, then unstretched
			double nhx = p2 * t2x + pz * sx;
			double nhy = p1;
			double nhz = p2 * t2z + pz * sz;
			double hx = alpha * nhx;
			double hy = alpha * nhy;
			double hz = Math.max(0, nhz);
			double hl = Math.sqrt(hx * hx + hy * hy + hz * hz);
			hx /= hl;
			hz /= hl;
			double vh = vx * hx + vz * hz;
			double lz = 2 * vh * hz - vz;
			if (lz <= 0 || vh <= 0) {
				continue;
			}
			double weight = (1 + lambdaV) / (1 + lambdaV + lambda(lz, alpha));
			double fc = Math.pow(1 - vh, 5);
			a += (1 - fc) * weight;
			b += fc * weight;
		}
		return new double[] { a / samples, b / samples };
	}

	/** Smith's Λ for GGX at a direction of cosine {@code cos} to the normal. */
	static double lambda(double cos, double alpha) {
		double cos2 = cos * cos;
		double tan2 = Math.max(0, 1 - cos2) / Math.max(cos2, 1e-12);
		return (Math.sqrt(1 + alpha * alpha * tan2) - 1) / 2;
	}

	/** Smith's height-correlated visibility term G₂ / (4 n·v n·l) for GGX. */
	static double visibility(double nv, double nl, double alpha2) {
		return 0.5 / (nl * Math.sqrt(nv * nv * (1 - alpha2) + alpha2) + nv * Math.sqrt(nl * nl * (1 - alpha2) + alpha2));
	}

	/** The van der Corput radical inverse in base 2: the second Hammersley coordinate. */
	static double radicalInverse(int i) {
		return (Integer.reverse(i) & 0xFFFF_FFFFL) / 4294967296.0;
	}
}
