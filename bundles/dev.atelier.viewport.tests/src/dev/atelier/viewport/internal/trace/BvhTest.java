package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Mesh;

class BvhTest {

	@Test
	void closestHitsEqualBruteForceOnRandomTriangles() {
		SplittableRandom random = new SplittableRandom(7);
		FlatScene scene = flat(randomTriangles(2000, random));
		Intersector bvh = new Intersector(scene);
		Intersector brute = new Intersector(oneLeaf(scene));
		int hits = 0;
		for (int i = 0; i < 10_000; i++) {
			float[] ray = randomRay(random);
			boolean hit = bvh.closestHit(ray[0], ray[1], ray[2], ray[3], ray[4], ray[5], Float.POSITIVE_INFINITY);
			boolean expected = brute.closestHit(ray[0], ray[1], ray[2], ray[3], ray[4], ray[5], Float.POSITIVE_INFINITY);
			assertEquals(expected, hit, "ray " + i);
			if (hit) {
				hits++;
				assertEquals(brute.hitT, bvh.hitT, "ray " + i + " distance");
				assertEquals(brute.hitTriangle, bvh.hitTriangle, "ray " + i + " triangle");
				assertEquals(false, bvh.anyHit(ray[0], ray[1], ray[2], ray[3], ray[4], ray[5], bvh.hitT * 0.999f), "ray " + i + " stopped short");
			}
			assertEquals(expected, bvh.anyHit(ray[0], ray[1], ray[2], ray[3], ray[4], ray[5], Float.POSITIVE_INFINITY), "ray " + i + " any hit");
		}
		assertTrue(hits > 1000 && hits < 9000, hits + " hits: the test must see both");
	}

	/**
	 * Each triangle's test agrees with Möller–Trumbore in double precision away from its edges and from grazing
	 * incidence (|cos| < 0.01, where rounding moves the edges by 1/|cos| more): hit or miss, and the distance within
	 * 10⁻⁵ relative (more as the incidence grazes).
	 */
	@Test
	void triangleTestAgreesWithDoublePrecisionAwayFromEdges() {
		SplittableRandom random = new SplittableRandom(10);
		FlatScene scene = flat(randomTriangles(200, random));
		int hits = 0;
		for (int t = 0; t < scene.triangleCount; t++) {
			Intersector single = new Intersector(oneLeaf(singleTriangle(scene, t)));
			for (int i = 0; i < 200; i++) {
				float[] ray = randomRay(random);
				// aim half the rays near the triangle so that hits are common
				if (i % 2 == 0) {
					aimNear(scene, t, ray, random);
				}
				double expected = reference(scene, t, ray);
				if (Double.isNaN(expected) || Math.abs(cosine(scene, t, ray)) < 0.01) {
					continue;
				}
				boolean hit = single.closestHit(ray[0], ray[1], ray[2], ray[3], ray[4], ray[5], Float.POSITIVE_INFINITY);
				assertEquals(expected != Double.POSITIVE_INFINITY, hit, "triangle " + t + " ray " + i);
				if (hit) {
					hits++;
					// float rounding of the edge functions weighs 1/|cos| more at grazing angles
					double tolerance = expected * (1e-5 + 1e-6 / Math.abs(cosine(scene, t, ray)));
					assertEquals(expected, single.hitT, tolerance, "triangle " + t + " ray " + i);
				}
			}
		}
		assertTrue(hits > 5000, hits + " hits");
	}

	/**
	 * A bumpy heightfield of 64 × 64 cells (shared vertices) is hit by every ray aimed from above exactly at one of
	 * its inner vertices or at the float midpoint of one of its inner edges, from random origins: nothing slips
	 * between triangles. Rays come down steeper than the slopes, so no edge is a silhouette (a rounded direction
	 * may pass just outside a silhouette, rightly), and border targets are left out for the same reason.
	 */
	@Test
	void raysThroughSharedVerticesAndEdgesNeverSlipBetweenTriangles() {
		SplittableRandom random = new SplittableRandom(8);
		int n = 64;
		float[] positions = new float[3 * (n + 1) * (n + 1)];
		for (int i = 0; i <= n; i++) {
			for (int j = 0; j <= n; j++) {
				int v = 3 * (i * (n + 1) + j);
				positions[v] = i / (float) n;
				positions[v + 1] = 0.005f * (float) random.nextDouble();
				positions[v + 2] = j / (float) n;
			}
		}
		int[] indices = new int[6 * n * n];
		int k = 0;
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < n; j++) {
				int a = i * (n + 1) + j, b = a + 1, c = a + n + 1, d = c + 1;
				indices[k++] = a;
				indices[k++] = b;
				indices[k++] = d;
				indices[k++] = a;
				indices[k++] = d;
				indices[k++] = c;
			}
		}
		FlatScene scene = flat(List.of(new Mesh("heightfield", positions, new float[positions.length], null, null, indices, 0)));
		Intersector bvh = new Intersector(scene);
		int rays = 0;
		for (int t = 0; t < indices.length; t += 3) {
			for (int e = 0; e < 3; e++) {
				int p = 3 * indices[t + e];
				int q = 3 * indices[t + (e + 1) % 3];
				float[][] targets = { { positions[p], positions[p + 1], positions[p + 2] },
						{ (positions[p] + positions[q]) * 0.5f, (positions[p + 1] + positions[q + 1]) * 0.5f, (positions[p + 2] + positions[q + 2]) * 0.5f } };
				for (float[] target : targets) {
					if (target[0] == 0 || target[0] == 1 || target[2] == 0 || target[2] == 1) {
						continue;
					}
					float ox = (float) random.nextDouble(-0.5, 1.5), oy = (float) random.nextDouble(1, 3), oz = (float) random.nextDouble(-0.5, 1.5);
					float dx = target[0] - ox, dy = target[1] - oy, dz = target[2] - oz;
					float length = (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
					rays++;
					assertTrue(bvh.closestHit(ox, oy, oz, dx / length, dy / length, dz / length, Float.POSITIVE_INFINITY),
							"ray from (" + ox + ", " + oy + ", " + oz + ") to (" + target[0] + ", " + target[1] + ", " + target[2] + ")");
				}
			}
		}
		assertTrue(rays > 2 * 3 * 2 * (n - 2) * (n - 2), rays + " rays");
	}

	/** The furnace's closed sphere, shot from its centre at every vertex: every ray hits it. */
	@Test
	void raysFromInsideAClosedSphereThroughItsVerticesAllHit() {
		Mesh sphere = BuiltinScenes.sphere("sphere", 0.1f, 0.2f, 0.3f, 1, 48, 24, 0);
		FlatScene scene = flat(List.of(sphere));
		Intersector bvh = new Intersector(scene);
		float[] p = sphere.positions();
		for (int v = 0; v < p.length; v += 3) {
			float dx = p[v] - 0.1f, dy = p[v + 1] - 0.2f, dz = p[v + 2] - 0.3f;
			float length = (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
			assertTrue(bvh.closestHit(0.1f, 0.2f, 0.3f, dx / length, dy / length, dz / length, Float.POSITIVE_INFINITY), "vertex " + v / 3);
			assertEquals(1, bvh.hitT, 1e-5, "vertex " + v / 3);
		}
	}

	@Test
	void everyTriangleLiesInExactlyOneLeafInsideEveryBoxAboveIt() {
		SplittableRandom random = new SplittableRandom(9);
		List<Mesh> meshes = new ArrayList<>(randomTriangles(5000, random));
		meshes.add(BuiltinScenes.sphere("sphere", 0, 0, 0, 0.3f, 32, 16, 0));
		FlatScene scene = flat(meshes);
		int[] seen = new int[scene.triangleCount];
		int depth = check(scene, 0, 0, seen);
		for (int t = 0; t < seen.length; t++) {
			assertEquals(1, seen[t], "triangle " + t);
		}
		int leaves = 0;
		for (int node = 0; node < scene.nodeCount(); node++) {
			leaves += Float.floatToRawIntBits(scene.nodes[node * FlatScene.NODE_STRIDE + 7]) > 0 ? 1 : 0;
		}
		assertEquals(2 * leaves - 1, scene.nodeCount(), "a binary tree: one interior node fewer than leaves");
		assertEquals(scene.bvhDepth, depth);
		assertTrue(depth < BvhBuilder.MAX_DEPTH, "depth " + depth);
	}

	/** The million-triangle benchmark scene flattens (BVH included) into a valid tree; its build time is a benchmark's (docs/benchmarks.md). */
	@Test
	void aMillionTrianglesFlattenIntoAValidTree() {
		FlatScene scene = FlatScene.of(BuiltinScenes.sphereField(16, 64));
		int[] seen = new int[scene.triangleCount];
		assertTrue(check(scene, 0, 0, seen) < BvhBuilder.MAX_DEPTH);
		assertTrue(Arrays.stream(seen).allMatch(count -> count == 1), "every triangle in exactly one leaf");
	}

	@Test
	void identicalTrianglesStillGetSmallLeaves() {
		List<Mesh> meshes = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			meshes.add(new Mesh("same " + i, new float[] { 0, 0, 0, 1, 0, 0, 0, 1, 0 }, new float[9], null, null, new int[] { 0, 1, 2 }, 0));
		}
		FlatScene scene = flat(meshes);
		int[] seen = new int[scene.triangleCount];
		check(scene, 0, 0, seen);
		Intersector bvh = new Intersector(scene);
		assertTrue(bvh.closestHit(0.2f, 0.2f, 1, 0, 0, -1, Float.POSITIVE_INFINITY));
		assertEquals(1, bvh.hitT, 1e-6);
	}

	@Test
	void anEmptySceneIsNeverHit() {
		Intersector bvh = new Intersector(flat(List.of()));
		for (float[] d : new float[][] { { 1, 0, 0 }, { 0, -1, 0 }, { 0.6f, 0, 0.8f } }) {
			assertEquals(false, bvh.closestHit(0, 0, 0, d[0], d[1], d[2], Float.POSITIVE_INFINITY));
			assertEquals(false, bvh.anyHit(0, 0, 0, d[0], d[1], d[2], Float.POSITIVE_INFINITY));
		}
	}

	/** Checks the subtree at node: bounds contain what lies below, leaves hold 1..MAX_LEAF triangles; returns its depth. */
	private static int check(FlatScene scene, int node, int level, int[] seen) {
		float[] n = scene.nodes;
		int o = node * FlatScene.NODE_STRIDE;
		int count = Float.floatToRawIntBits(n[o + 7]);
		int link = Float.floatToRawIntBits(n[o + 3]);
		if (count > 0) {
			assertTrue(count <= BvhBuilder.MAX_LEAF, "leaf of " + count);
			for (int t = link; t < link + count; t++) {
				seen[t]++;
				for (int v = 0; v < 3; v++) {
					for (int a = 0; a < 3; a++) {
						float x = scene.triangles[9 * t + 3 * v + a];
						if (!(x >= n[o + a] && x <= n[o + 4 + a])) {
							fail("triangle " + t + " outside leaf " + node);
						}
					}
				}
			}
			return 0;
		}
		for (int child : new int[] { node + 1, link }) {
			int c = child * FlatScene.NODE_STRIDE;
			for (int a = 0; a < 3; a++) {
				if (!(n[c + a] >= n[o + a] && n[c + 4 + a] <= n[o + 4 + a])) {
					fail("child " + child + " outside node " + node);
				}
			}
		}
		return 1 + Math.max(check(scene, node + 1, level + 1, seen), check(scene, link, level + 1, seen));
	}

	private static FlatScene flat(List<Mesh> meshes) {
		return FlatScene.of(new Scene("test", meshes, List.of(Material.lambertian("white", 1, 1, 1, null)), List.of(), List.of(), Environment.black()));
	}

	/** Triangles of random size and orientation in the unit cube, some tiny, some long and thin. */
	private static List<Mesh> randomTriangles(int count, SplittableRandom random) {
		float[] positions = new float[9 * count];
		for (int t = 0; t < count; t++) {
			float cx = (float) random.nextDouble(), cy = (float) random.nextDouble(), cz = (float) random.nextDouble();
			float size = (float) Math.pow(10, random.nextDouble(-3, -0.7));
			for (int k = 0; k < 9; k++) {
				positions[9 * t + k] = (k % 3 == 0 ? cx : k % 3 == 1 ? cy : cz) + size * (float) random.nextDouble(-1, 1);
			}
		}
		int[] indices = new int[3 * count];
		for (int i = 0; i < indices.length; i++) {
			indices[i] = i;
		}
		return List.of(new Mesh("random", positions, new float[positions.length], null, null, indices, 0));
	}

	/** An origin around the unit cube and a random unit direction. */
	private static float[] randomRay(SplittableRandom random) {
		double z = random.nextDouble(-1, 1), phi = random.nextDouble(2 * Math.PI), r = Math.sqrt(1 - z * z);
		return new float[] { (float) random.nextDouble(-0.5, 1.5), (float) random.nextDouble(-0.5, 1.5), (float) random.nextDouble(-0.5, 1.5),
				(float) (r * Math.cos(phi)), (float) (r * Math.sin(phi)), (float) z };
	}

	/** The same triangles in a single leaf with infinite bounds: the traversal reduced to testing every triangle. */
	private static FlatScene oneLeaf(FlatScene s) {
		float inf = Float.POSITIVE_INFINITY;
		float[] nodes = { -inf, -inf, -inf, Float.intBitsToFloat(0), inf, inf, inf, Float.intBitsToFloat(s.triangleCount) };
		return new FlatScene(s.triangles, s.triangleVertices, s.triangleMaterials, s.triangleMeshes, s.normals, s.texcoords, s.tangents, nodes, 0, s.materials,
				s.texels, s.textures, s.lights, s.emitters, s.emitterCdf, s.environment, s.environmentPdf, s.environmentMarginalCdf, s.environmentConditionalCdf);
	}

	/** Triangle t alone (as triangle 0). */
	private static FlatScene singleTriangle(FlatScene s, int t) {
		float[] triangle = new float[9];
		System.arraycopy(s.triangles, 9 * t, triangle, 0, 9);
		return new FlatScene(triangle, new int[3], new int[1], new int[1], new float[3], new float[2], new float[4], s.nodes, 0, s.materials, s.texels,
				s.textures, s.lights, new int[0], new float[] { 0 }, s.environment, s.environmentPdf, s.environmentMarginalCdf, s.environmentConditionalCdf);
	}

	/** Points the ray at a random point of triangle t, slightly beyond its edges at times. */
	private static void aimNear(FlatScene scene, int t, float[] ray, SplittableRandom random) {
		double a = random.nextDouble(-0.1, 1.1), b = random.nextDouble(-0.1, 1.1 - a);
		float[] v = scene.triangles;
		int o = 9 * t;
		double dx = 0, dy = 0, dz = 0;
		double[] w = { 1 - a - b, a, b };
		for (int k = 0; k < 3; k++) {
			dx += w[k] * v[o + 3 * k];
			dy += w[k] * v[o + 3 * k + 1];
			dz += w[k] * v[o + 3 * k + 2];
		}
		dx -= ray[0];
		dy -= ray[1];
		dz -= ray[2];
		double length = Math.sqrt(dx * dx + dy * dy + dz * dz);
		ray[3] = (float) (dx / length);
		ray[4] = (float) (dy / length);
		ray[5] = (float) (dz / length);
	}

	private static double cosine(FlatScene scene, int t, float[] ray) {
		float[] v = scene.triangles;
		int o = 9 * t;
		double e1x = v[o + 3] - v[o], e1y = v[o + 4] - v[o + 1], e1z = v[o + 5] - v[o + 2];
		double e2x = v[o + 6] - v[o], e2y = v[o + 7] - v[o + 1], e2z = v[o + 8] - v[o + 2];
		double nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
		return (nx * ray[3] + ny * ray[4] + nz * ray[5]) / Math.sqrt(nx * nx + ny * ny + nz * nz);
	}

	/**
	 * Möller–Trumbore in double: the distance to triangle t, +∞ on a miss, NaN within 10⁻³ of its edges in barycentric
	 * terms (ambiguous: translating millimetre triangles by the origin rounds their vertices by 10⁻⁴ of their size).
	 */
	private static double reference(FlatScene scene, int t, float[] ray) {
		double[] v = new double[9];
		for (int k = 0; k < 9; k++) {
			v[k] = scene.triangles[9 * t + k];
		}
		double e1x = v[3] - v[0], e1y = v[4] - v[1], e1z = v[5] - v[2];
		double e2x = v[6] - v[0], e2y = v[7] - v[1], e2z = v[8] - v[2];
		double px = ray[4] * e2z - ray[5] * e2y, py = ray[5] * e2x - ray[3] * e2z, pz = ray[3] * e2y - ray[4] * e2x;
		double det = e1x * px + e1y * py + e1z * pz;
		double sx = ray[0] - v[0], sy = ray[1] - v[1], sz = ray[2] - v[2];
		double u = (sx * px + sy * py + sz * pz) / det;
		double qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
		double w = (ray[3] * qx + ray[4] * qy + ray[5] * qz) / det;
		double distance = (e2x * qx + e2y * qy + e2z * qz) / det;
		double margin = 1e-3;
		if (Math.abs(u) < margin || Math.abs(w) < margin || Math.abs(1 - u - w) < margin) {
			return Double.NaN;
		}
		return u > 0 && w > 0 && u + w < 1 && distance > 0 ? distance : Double.POSITIVE_INFINITY;
	}
}
