package dev.atelier.viewport.internal.trace;

/**
 * Ray queries against a {@link FlatScene}'s BVH: closest hit and any hit (shadow rays), with an explicit stack.
 * <p>
 * Triangles are intersected watertight (Woop, Benthin and Wald 2013): the ray is permuted so that its dominant axis
 * is z and sheared to +z, vertices are transformed alike, and the three 2D edge functions decide inside/outside;
 * an edge shared by two triangles evaluates to exactly the negated value in both (IEEE products commute and
 * a − b = −(b − a)), so a ray through a shared edge or vertex never slips between them. Edge functions that round
 * to 0 are recomputed in double, where the products of floats are exact. Möller–Trumbore was not chosen because its
 * per-triangle edge vectors differ between neighbours, leaving cracks. Both faces are hit (no culling).
 * The CUDA port must keep the edge functions free of FMA contraction ({@code __fmul_rn}, {@code __fsub_rn}).
 * <p>
 * Boxes use the slab test, entering each slab through the plane the direction's sign selects, with the far
 * distance enlarged by 1 + 2γ₃ (Ize 2013) so that rounding cannot cull a box the ray touches; a zero direction
 * component gets a huge finite inverse, so no NaN arises. Interior nodes test both children and descend into the
 * nearer first; popped nodes that lie beyond the closest hit so far are skipped. One per thread.
 */
final class Intersector {

	private static final float FAR_SCALE = 1 + 2 * (3 * 0x1p-24f) / (1 - 3 * 0x1p-24f);

	private final float[] nodes;
	private final float[] triangles;
	private final int[] stack = new int[BvhBuilder.MAX_DEPTH];
	private final float[] stackNear = new float[BvhBuilder.MAX_DEPTH];

	private float ox, oy, oz;
	private float invX, invY, invZ;
	/** The word offsets of the bounds each slab is entered through (min for a positive direction, else max). */
	private int nearX, nearY, nearZ, farX, farY, farZ;
	private int kx, ky, kz;
	private float shearX, shearY, shearZ;
	private float px, py, pz;

	/** The closest hit: distance along the (unit) direction, triangle, barycentrics of v1 and v2. */
	float hitT;
	int hitTriangle;
	float hitU, hitV;

	Intersector(FlatScene scene) {
		nodes = scene.nodes;
		triangles = scene.triangles;
	}

	/** Finds the closest hit with 0 < t < tMax; its details land in the hit fields. */
	boolean closestHit(float ox, float oy, float oz, float dx, float dy, float dz, float tMax) {
		setUp(ox, oy, oz, dx, dy, dz);
		hitT = tMax;
		hitTriangle = -1;
		if (box(0, tMax) == Float.POSITIVE_INFINITY) {
			return false;
		}
		int sp = 0;
		int node = 0;
		while (true) {
			int o = node * FlatScene.NODE_STRIDE;
			int count = Float.floatToRawIntBits(nodes[o + 7]);
			if (count > 0) {
				int first = Float.floatToRawIntBits(nodes[o + 3]);
				for (int t = first; t < first + count; t++) {
					triangle(t, false);
				}
			} else {
				int left = node + 1;
				int right = Float.floatToRawIntBits(nodes[o + 3]);
				float nearLeft = box(left, hitT);
				float nearRight = box(right, hitT);
				if (nearLeft != Float.POSITIVE_INFINITY) {
					if (nearRight != Float.POSITIVE_INFINITY) {
						boolean leftFirst = nearLeft <= nearRight;
						stack[sp] = leftFirst ? right : left;
						stackNear[sp++] = leftFirst ? nearRight : nearLeft;
						node = leftFirst ? left : right;
					} else {
						node = left;
					}
					continue;
				}
				if (nearRight != Float.POSITIVE_INFINITY) {
					node = right;
					continue;
				}
			}
			do {
				if (sp == 0) {
					return hitTriangle >= 0;
				}
				node = stack[--sp];
			} while (stackNear[sp] > hitT);
		}
	}

	/** Whether anything lies at 0 < t < tMax: a shadow ray; stops at the first hit found. */
	boolean anyHit(float ox, float oy, float oz, float dx, float dy, float dz, float tMax) {
		setUp(ox, oy, oz, dx, dy, dz);
		hitT = tMax;
		if (box(0, tMax) == Float.POSITIVE_INFINITY) {
			return false;
		}
		int sp = 0;
		int node = 0;
		while (true) {
			int o = node * FlatScene.NODE_STRIDE;
			int count = Float.floatToRawIntBits(nodes[o + 7]);
			if (count > 0) {
				int first = Float.floatToRawIntBits(nodes[o + 3]);
				for (int t = first; t < first + count; t++) {
					if (triangle(t, true)) {
						return true;
					}
				}
			} else {
				int left = node + 1;
				int right = Float.floatToRawIntBits(nodes[o + 3]);
				boolean hitLeft = box(left, tMax) != Float.POSITIVE_INFINITY;
				boolean hitRight = box(right, tMax) != Float.POSITIVE_INFINITY;
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

	private void setUp(float ox, float oy, float oz, float dx, float dy, float dz) {
		this.ox = ox;
		this.oy = oy;
		this.oz = oz;
		invX = inverse(dx);
		invY = inverse(dy);
		invZ = inverse(dz);
		nearX = invX >= 0 ? 0 : 4;
		nearY = invY >= 0 ? 1 : 5;
		nearZ = invZ >= 0 ? 2 : 6;
		farX = 4 - nearX;
		farY = 6 - nearY;
		farZ = 8 - nearZ;
		float ax = Math.abs(dx);
		float ay = Math.abs(dy);
		float az = Math.abs(dz);
		kz = ax > ay ? (ax > az ? 0 : 2) : (ay > az ? 1 : 2);
		kx = kz == 2 ? 0 : kz + 1;
		ky = kx == 2 ? 0 : kx + 1;
		float dkz = component(dx, dy, dz, kz);
		if (dkz < 0) {
			int swap = kx;
			kx = ky;
			ky = swap;
		}
		shearX = component(dx, dy, dz, kx) / dkz;
		shearY = component(dx, dy, dz, ky) / dkz;
		shearZ = 1 / dkz;
		px = component(ox, oy, oz, kx);
		py = component(ox, oy, oz, ky);
		pz = component(ox, oy, oz, kz);
	}

	private static float component(float x, float y, float z, int axis) {
		return axis == 0 ? x : axis == 1 ? y : z;
	}

	private static float inverse(float d) {
		float inv = 1 / d;
		return Float.isInfinite(inv) ? Math.copySign(Float.MAX_VALUE, d) : inv;
	}

	/** The entry distance of the ray into node's box within [0, tMax], or +∞ on a miss. */
	private float box(int node, float tMax) {
		int o = node * FlatScene.NODE_STRIDE;
		float x0 = (nodes[o + nearX] - ox) * invX;
		float x1 = (nodes[o + farX] - ox) * invX;
		float y0 = (nodes[o + nearY] - oy) * invY;
		float y1 = (nodes[o + farY] - oy) * invY;
		float z0 = (nodes[o + nearZ] - oz) * invZ;
		float z1 = (nodes[o + farZ] - oz) * invZ;
		float near = Math.max(Math.max(x0, y0), Math.max(z0, 0));
		float far = Math.min(Math.min(x1, y1), Math.min(z1, tMax)) * FAR_SCALE;
		return near <= far ? near : Float.POSITIVE_INFINITY;
	}

	/** Tests triangle t against the set-up ray within (0, hitT); on a hit updates the hit fields. */
	private boolean triangle(int t, boolean any) {
		int o = 9 * t;
		float az = triangles[o + kz] - pz;
		float bz = triangles[o + 3 + kz] - pz;
		float cz = triangles[o + 6 + kz] - pz;
		float ax = triangles[o + kx] - px - shearX * az;
		float ay = triangles[o + ky] - py - shearY * az;
		float bx = triangles[o + 3 + kx] - px - shearX * bz;
		float by = triangles[o + 3 + ky] - py - shearY * bz;
		float cx = triangles[o + 6 + kx] - px - shearX * cz;
		float cy = triangles[o + 6 + ky] - py - shearY * cz;
		float u = cx * by - cy * bx;
		float v = ax * cy - ay * cx;
		float w = bx * ay - by * ax;
		if (u == 0 || v == 0 || w == 0) {
			u = (float) ((double) cx * by - (double) cy * bx);
			v = (float) ((double) ax * cy - (double) ay * cx);
			w = (float) ((double) bx * ay - (double) by * ax);
		}
		if ((u < 0 || v < 0 || w < 0) && (u > 0 || v > 0 || w > 0)) {
			return false;
		}
		float det = u + v + w;
		if (det == 0) {
			return false;
		}
		float distance = (u * az + v * bz + w * cz) * shearZ / det;
		if (!(distance > 0 && distance < hitT)) {
			return false;
		}
		if (!any) {
			hitT = distance;
			hitTriangle = t;
			hitU = v / det;
			hitV = w / det;
		}
		return true;
	}
}
