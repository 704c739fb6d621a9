package dev.atelier.viewport.internal.trace;

/**
 * The environment as a light: its radiance in a direction, and sampling it (uniformly over the sphere when uniform,
 * by the flat scene's piecewise-constant table when a map). One per thread: results land in fields.
 */
final class EnvironmentLight {

	private static final float INV_4PI = (float) (1 / (4 * Math.PI));
	private static final float INV_2PI = (float) (1 / (2 * Math.PI));
	private static final float INV_PI = (float) (1 / Math.PI);
	private static final float TWO_PI = (float) (2 * Math.PI);
	private static final float PI = (float) Math.PI;
	private static final float INV_2PI2 = (float) (1 / (2 * Math.PI * Math.PI));

	private final FlatScene scene;
	private final float scaleR;
	private final float scaleG;
	private final float scaleB;
	private final int texture;
	private final int rows;
	private final int columns;
	private final boolean sampled;
	private final float[] texel = new float[4];

	/** Radiance of the last {@link #radiance} or {@link #sample}. */
	float r, g, b;
	/** The direction {@link #sample} chose, and its solid-angle pdf. */
	float x, y, z, pdf;

	EnvironmentLight(FlatScene scene) {
		this.scene = scene;
		float[] e = scene.environment;
		scaleR = e[0];
		scaleG = e[1];
		scaleB = e[2];
		texture = (int) e[3];
		rows = (int) e[4];
		columns = (int) e[5];
		sampled = e[6] != 0;
	}

	/** Whether next-event estimation samples the environment (it has radiance). */
	boolean sampled() {
		return sampled;
	}

	void radiance(float dx, float dy, float dz) {
		if (texture < 0) {
			r = scaleR;
			g = scaleG;
			b = scaleB;
			return;
		}
		Texels.sample(scene.texels, scene.textures, texture, u(dx, dz), v(dy), texel);
		r = scaleR * texel[0];
		g = scaleG * texel[1];
		b = scaleB * texel[2];
	}

	/** The solid-angle pdf with which {@link #sample} picks the direction. */
	float pdf(float dx, float dy, float dz) {
		if (!sampled) {
			return 0;
		}
		if (texture < 0) {
			return INV_4PI;
		}
		float sinTheta = (float) Math.sqrt(Math.max(0, 1 - dy * dy));
		if (sinTheta == 0) {
			return 0;
		}
		int row = Math.min((int) (v(dy) * rows), rows - 1);
		int column = Math.min((int) (u(dx, dz) * columns), columns - 1);
		return scene.environmentPdf[row * columns + column] * INV_2PI2 / sinTheta;
	}

	/** Picks a direction; pdf 0 means the sample is void. */
	void sample(float u0, float u1) {
		if (texture < 0) {
			z = 1 - 2 * u0;
			float radius = (float) Math.sqrt(Math.max(0, 1 - z * z));
			float phi = TWO_PI * u1;
			x = radius * (float) Math.cos(phi);
			y = radius * (float) Math.sin(phi);
			pdf = INV_4PI;
			r = scaleR;
			g = scaleG;
			b = scaleB;
			return;
		}
		float[] marginal = scene.environmentMarginalCdf;
		float[] conditional = scene.environmentConditionalCdf;
		int row = Distributions.find(marginal, 0, rows, u0);
		float v = (row + within(marginal, row, u0)) / rows;
		int offset = row * (columns + 1);
		int column = Distributions.find(conditional, offset, columns, u1);
		float u = (column + within(conditional, offset + column, u1)) / columns;
		float theta = PI * v;
		float phi = TWO_PI * u;
		float sinTheta = (float) Math.sin(theta);
		x = sinTheta * (float) Math.sin(phi);
		y = (float) Math.cos(theta);
		z = -sinTheta * (float) Math.cos(phi);
		pdf = sinTheta > 0 ? scene.environmentPdf[row * columns + column] * INV_2PI2 / sinTheta : 0;
		Texels.sample(scene.texels, scene.textures, texture, u, v, texel);
		r = scaleR * texel[0];
		g = scaleG * texel[1];
		b = scaleB * texel[2];
	}

	/** Where u falls inside segment i of a cumulative table, in [0, 1). */
	private static float within(float[] cdf, int i, float u) {
		float width = cdf[i + 1] - cdf[i];
		return width > 0 ? Math.min((u - cdf[i]) / width, 0x1.fffffep-1f) : 0;
	}

	static float u(float dx, float dz) {
		float u = (float) Math.atan2(dx, -dz) * INV_2PI;
		return u < 0 ? u + 1 : u;
	}

	static float v(float dy) {
		return (float) Math.acos(Math.clamp(dy, -1f, 1f)) * INV_PI;
	}
}
