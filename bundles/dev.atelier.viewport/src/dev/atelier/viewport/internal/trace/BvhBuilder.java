package dev.atelier.viewport.internal.trace;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;

/**
 * Builds the binned-SAH bounding volume hierarchy over triangles (Wald 2007's binning: {@value #BINS} bins over
 * the centroid bounds on each axis, the split of least surface-area cost, traversal and intersection costed 1:1),
 * in parallel on the common fork-join pool above {@value #PARALLEL_GRAIN} triangles, then flattens it depth-first
 * into the 32-byte nodes {@link FlatScene} describes.
 */
final class BvhBuilder {

	static final int BINS = 16;
	/** Leaves hold at most this many triangles. */
	static final int MAX_LEAF = 4;
	/** No leaf lies deeper; past the point where SAH splits could exceed it, ranges are halved instead. */
	static final int MAX_DEPTH = 64;
	private static final int PARALLEL_GRAIN = 16_384;
	private static final float TRAVERSAL_COST = 1;
	private static final int LEAF = -1;
	private static final int UNSPLITTABLE = -2;

	/** @param order the source triangle of each output triangle, in leaf order */
	record Result(float[] nodes, int[] order, int depth) {
	}

	private final float[] boxes;
	private final float[] centroids;
	private final int[] order;

	private BvhBuilder(float[] triangles, int count) {
		boxes = new float[6 * count];
		centroids = new float[3 * count];
		order = new int[count];
		for (int t = 0; t < count; t++) {
			order[t] = t;
			for (int a = 0; a < 3; a++) {
				float p0 = triangles[9 * t + a];
				float p1 = triangles[9 * t + 3 + a];
				float p2 = triangles[9 * t + 6 + a];
				float lo = Math.min(p0, Math.min(p1, p2));
				float hi = Math.max(p0, Math.max(p1, p2));
				boxes[6 * t + a] = lo;
				boxes[6 * t + 3 + a] = hi;
				centroids[3 * t + a] = 0.5f * (lo + hi);
			}
		}
	}

	/** Builds over {@code triangles} (9 floats each); an empty scene gets a root with inverted bounds that no ray enters. */
	static Result build(float[] triangles, int count) {
		if (count == 0) {
			float inf = Float.POSITIVE_INFINITY;
			return new Result(new float[] { inf, inf, inf, 0, -inf, -inf, -inf, 0 }, new int[0], 0);
		}
		BvhBuilder builder = new BvhBuilder(triangles, count);
		Node root = ForkJoinPool.commonPool().invoke(builder.new Task(0, count, 0));
		float[] nodes = new float[root.size * FlatScene.NODE_STRIDE];
		flatten(root, 0, nodes);
		return new Result(nodes, builder.order, root.depth);
	}

	/** A node of the build tree; {@code size} nodes in its subtree, leaves {@code depth} levels below it. */
	private static final class Node {
		final float[] bounds = new float[6];
		Node left;
		Node right;
		int begin;
		int count;
		int size = 1;
		int depth;
	}

	/** Per-task binning arrays: bounds (6 floats) and counts per axis and bin, and the right-hand sweep. */
	private static final class Scratch {
		final float[] binBounds = new float[3 * BINS * 6];
		final int[] binCounts = new int[3 * BINS];
		final float[] rightArea = new float[BINS];
		final int[] rightCount = new int[BINS];
		final float[] centroidBounds = new float[6];
		final float[] accumulated = new float[6];
		final float[] scale = new float[3];
	}

	private final class Task extends RecursiveTask<Node> {
		private static final long serialVersionUID = 1L;
		private final int begin;
		private final int end;
		private final int depth;

		Task(int begin, int end, int depth) {
			this.begin = begin;
			this.end = end;
			this.depth = depth;
		}

		@Override
		protected Node compute() {
			return BvhBuilder.this.build(begin, end, depth, new Scratch());
		}
	}

	private Node build(int begin, int end, int depth, Scratch scratch) {
		Node node = new Node();
		int n = end - begin;
		bounds(begin, end, node.bounds, scratch.centroidBounds);
		if (n == 1) {
			return leaf(node, begin, n);
		}
		int mid;
		if (depth + levelsToLeaves(n) >= MAX_DEPTH - 1) {
			mid = begin + n / 2;
		} else {
			int split = bestSplit(begin, end, node.bounds, scratch);
			if (split == LEAF || (split == UNSPLITTABLE && n <= MAX_LEAF)) {
				return leaf(node, begin, n);
			}
			mid = split == UNSPLITTABLE ? begin + n / 2 : partition(begin, end, split / BINS, split % BINS, scratch.centroidBounds);
		}
		if (n > PARALLEL_GRAIN) {
			Task left = new Task(begin, mid, depth + 1);
			left.fork();
			node.right = build(mid, end, depth + 1, scratch);
			node.left = left.join();
		} else {
			node.left = build(begin, mid, depth + 1, scratch);
			node.right = build(mid, end, depth + 1, scratch);
		}
		node.size = 1 + node.left.size + node.right.size;
		node.depth = 1 + Math.max(node.left.depth, node.right.depth);
		return node;
	}

	private static Node leaf(Node node, int begin, int count) {
		node.begin = begin;
		node.count = count;
		return node;
	}

	/** Levels of halving until a range fits a leaf. */
	private static int levelsToLeaves(int n) {
		int leaves = (n + MAX_LEAF - 1) / MAX_LEAF;
		return 32 - Integer.numberOfLeadingZeros(leaves - 1);
	}

	private void bounds(int begin, int end, float[] box, float[] centroidBox) {
		for (int a = 0; a < 3; a++) {
			box[a] = centroidBox[a] = Float.POSITIVE_INFINITY;
			box[3 + a] = centroidBox[3 + a] = Float.NEGATIVE_INFINITY;
		}
		for (int i = begin; i < end; i++) {
			int t = order[i];
			for (int a = 0; a < 3; a++) {
				box[a] = Math.min(box[a], boxes[6 * t + a]);
				box[3 + a] = Math.max(box[3 + a], boxes[6 * t + 3 + a]);
				float c = centroids[3 * t + a];
				centroidBox[a] = Math.min(centroidBox[a], c);
				centroidBox[3 + a] = Math.max(centroidBox[3 + a], c);
			}
		}
	}

	/**
	 * The cheapest split as {@code axis * BINS + bin} (triangles in bins ≤ bin go left), {@link #LEAF} when a range
	 * that fits a leaf is cheaper kept whole, or {@link #UNSPLITTABLE} when all centroids coincide.
	 */
	private int bestSplit(int begin, int end, float[] nodeBounds, Scratch s) {
		float[] cb = s.centroidBounds;
		float[] binBounds = s.binBounds;
		int[] binCounts = s.binCounts;
		float[] scale = s.scale;
		boolean any = false;
		for (int a = 0; a < 3; a++) {
			float extent = cb[3 + a] - cb[a];
			scale[a] = extent > 0 ? BINS * (1 - 1e-6f) / extent : 0;
			any |= extent > 0;
		}
		if (!any) {
			return UNSPLITTABLE;
		}
		for (int i = 0; i < 3 * BINS; i++) {
			binCounts[i] = 0;
			for (int a = 0; a < 3; a++) {
				binBounds[6 * i + a] = Float.POSITIVE_INFINITY;
				binBounds[6 * i + 3 + a] = Float.NEGATIVE_INFINITY;
			}
		}
		for (int i = begin; i < end; i++) {
			int t = order[i];
			for (int a = 0; a < 3; a++) {
				if (scale[a] == 0) {
					continue;
				}
				int bin = a * BINS + Math.min((int) ((centroids[3 * t + a] - cb[a]) * scale[a]), BINS - 1);
				binCounts[bin]++;
				int o = 6 * bin;
				for (int c = 0; c < 3; c++) {
					binBounds[o + c] = Math.min(binBounds[o + c], boxes[6 * t + c]);
					binBounds[o + 3 + c] = Math.max(binBounds[o + 3 + c], boxes[6 * t + 3 + c]);
				}
			}
		}
		int n = end - begin;
		float parentArea = halfArea(nodeBounds, 0);
		float bestCost = Float.POSITIVE_INFINITY;
		int bestAxis = -1;
		int bestBin = -1;
		for (int a = 0; a < 3; a++) {
			if (scale[a] == 0) {
				continue;
			}
			float[] acc = s.accumulated;
			reset(acc);
			int count = 0;
			for (int b = BINS - 1; b > 0; b--) {
				count += binCounts[a * BINS + b];
				grow(acc, binBounds, 6 * (a * BINS + b));
				s.rightArea[b] = halfArea(acc, 0);
				s.rightCount[b] = count;
			}
			reset(acc);
			count = 0;
			for (int b = 0; b < BINS - 1; b++) {
				count += binCounts[a * BINS + b];
				grow(acc, binBounds, 6 * (a * BINS + b));
				if (count == 0 || s.rightCount[b + 1] == 0) {
					continue;
				}
				float cost = halfArea(acc, 0) * count + s.rightArea[b + 1] * s.rightCount[b + 1];
				if (cost < bestCost) {
					bestCost = cost;
					bestAxis = a;
					bestBin = b;
				}
			}
		}
		if (bestAxis < 0) {
			return UNSPLITTABLE;
		}
		float splitCost = TRAVERSAL_COST + (parentArea > 0 ? bestCost / parentArea : n);
		return n <= MAX_LEAF && n <= splitCost ? LEAF : bestAxis * BINS + bestBin;
	}

	private int partition(int begin, int end, int axis, int bin, float[] centroidBounds) {
		float lo = centroidBounds[axis];
		float scale = BINS * (1 - 1e-6f) / (centroidBounds[3 + axis] - lo);
		int i = begin;
		int j = end - 1;
		while (i <= j) {
			int t = order[i];
			if (Math.min((int) ((centroids[3 * t + axis] - lo) * scale), BINS - 1) <= bin) {
				i++;
			} else {
				order[i] = order[j];
				order[j--] = t;
			}
		}
		return i;
	}

	private static void reset(float[] box) {
		for (int a = 0; a < 3; a++) {
			box[a] = Float.POSITIVE_INFINITY;
			box[3 + a] = Float.NEGATIVE_INFINITY;
		}
	}

	private static void grow(float[] box, float[] source, int offset) {
		for (int a = 0; a < 3; a++) {
			box[a] = Math.min(box[a], source[offset + a]);
			box[3 + a] = Math.max(box[3 + a], source[offset + 3 + a]);
		}
	}

	/** Half the surface area: the factor 2 cancels in every cost ratio. */
	private static float halfArea(float[] box, int offset) {
		float dx = box[offset + 3] - box[offset];
		float dy = box[offset + 4] - box[offset + 1];
		float dz = box[offset + 5] - box[offset + 2];
		return dx * dy + dy * dz + dz * dx;
	}

	/** Writes the subtree at {@code index} depth-first; returns the index after it. */
	private static int flatten(Node node, int index, float[] nodes) {
		int o = index * FlatScene.NODE_STRIDE;
		nodes[o] = node.bounds[0];
		nodes[o + 1] = node.bounds[1];
		nodes[o + 2] = node.bounds[2];
		nodes[o + 4] = node.bounds[3];
		nodes[o + 5] = node.bounds[4];
		nodes[o + 6] = node.bounds[5];
		if (node.left == null) {
			nodes[o + 3] = Float.intBitsToFloat(node.begin);
			nodes[o + 7] = Float.intBitsToFloat(node.count);
			return index + 1;
		}
		int second = flatten(node.left, index + 1, nodes);
		nodes[o + 3] = Float.intBitsToFloat(second);
		nodes[o + 7] = Float.intBitsToFloat(0);
		return flatten(node.right, second, nodes);
	}
}
