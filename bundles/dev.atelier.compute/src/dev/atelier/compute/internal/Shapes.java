package dev.atelier.compute.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;

import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;

/**
 * The shape and type rules of {@link dev.atelier.compute.Compute}'s operations, checked when an operation is queued
 * by every backend: a mismatch throws {@link IllegalArgumentException} naming the operation and the shapes.
 */
public final class Shapes {

	/** The largest k of topK. */
	public static final int MAX_TOP_K = 256;

	private Shapes() {
	}

	public static void getRows(Tensor table, Tensor ids, Tensor out) {
		vector("getRows", "ids", ids, TensorType.I32);
		type("getRows", "out", out, TensorType.F32);
		require(table.type() != TensorType.I32, "getRows", "the table is I32");
		require(out.rows() == ids.cols() && out.cols() == table.cols(), "getRows",
				"out " + shape(out) + " must be " + ids.cols() + " × " + table.cols() + " (ids × the table's columns " + shape(table) + ")");
	}

	public static void matmul(Tensor weights, Tensor x, Tensor out) {
		type("matmul", "x", x, TensorType.F32);
		type("matmul", "out", out, TensorType.F32);
		require(weights.type() != TensorType.I32, "matmul", "the weights are I32");
		require(x.cols() == weights.cols() && out.rows() == x.rows() && out.cols() == weights.rows(), "matmul",
				"weights " + shape(weights) + ", x " + shape(x) + ", out " + shape(out) + ": x needs the weights' columns and out is x's rows × the weights' rows");
	}

	public static void matmuls(List<Tensor> weights, Tensor x, List<Tensor> outs) {
		require(!weights.isEmpty() && weights.size() == outs.size(), "matmuls", weights.size() + " weights and " + outs.size() + " outputs");
		for (int j = 0; j < weights.size(); j++) {
			matmul(weights.get(j), x, outs.get(j));
		}
	}

	public static void add(Tensor a, Tensor b, Tensor out) {
		type("add", "a", a, TensorType.F32);
		type("add", "b", b, TensorType.F32);
		type("add", "out", out, TensorType.F32);
		require(b.cols() == a.cols() && a.rows() % b.rows() == 0 && sameShape(a, out), "add",
				"a " + shape(a) + ", b " + shape(b) + ", out " + shape(out) + ": b has a's columns and a number of rows dividing a's, out a's shape");
	}

	public static void rmsNorm(Tensor x, Tensor weight, Tensor out) {
		type("rmsNorm", "x", x, TensorType.F32);
		type("rmsNorm", "out", out, TensorType.F32);
		vector("rmsNorm", "weight", weight, TensorType.F32);
		require(weight.cols() == x.cols() && sameShape(x, out), "rmsNorm", "x " + shape(x) + ", weight " + shape(weight) + ", out " + shape(out));
	}

	public static void addRmsNorm(Tensor a, Tensor b, Tensor weight, Tensor sum, Tensor out) {
		type("addRmsNorm", "b", b, TensorType.F32);
		type("addRmsNorm", "sum", sum, TensorType.F32);
		require(sameShape(a, b) && sameShape(a, sum), "addRmsNorm", "a " + shape(a) + ", b " + shape(b) + ", sum " + shape(sum) + " must be alike");
		rmsNorm(a, weight, out);
	}

	/** Both rotations and both stores of {@link dev.atelier.compute.Compute#ropeAndCache}, checked as the separate ops are. */
	public static void ropeAndCache(Tensor q, Tensor k, Tensor v, Tensor positions, Tensor frequencies, int headSize, Tensor keys, Tensor values) {
		rope(q, positions, frequencies, headSize);
		rope(k, positions, frequencies, headSize);
		setRows(k, positions, keys);
		setRows(v, positions, values);
		require(sameShape(k, v) && keys.type() == values.type() && keys.rows() == values.rows(), "ropeAndCache", "k " + shape(k) + ", v " + shape(v)
				+ ", keys " + keys.type() + " " + shape(keys) + " and values " + values.type() + " " + shape(values) + " must be alike");
	}

	public static void rope(Tensor x, Tensor positions, Tensor frequencies, int headSize) {
		type("rope", "x", x, TensorType.F32);
		vector("rope", "positions", positions, TensorType.I32);
		vector("rope", "frequencies", frequencies, TensorType.F32);
		require(headSize > 0 && headSize % 2 == 0 && x.cols() % headSize == 0, "rope",
				"head size " + headSize + " must be even and divide x's " + x.cols() + " columns");
		require(positions.cols() == x.rows() && frequencies.cols() == headSize / 2, "rope",
				"x " + shape(x) + ", positions " + shape(positions) + ", frequencies " + shape(frequencies) + ": a position per row, headSize/2 frequencies");
	}

	public static void setRows(Tensor rows, Tensor positions, Tensor cache) {
		type("setRows", "rows", rows, TensorType.F32);
		vector("setRows", "positions", positions, TensorType.I32);
		require(cache.type() == TensorType.F16 || cache.type() == TensorType.F32, "setRows", "the cache is " + cache.type() + ", not F16 or F32");
		require(positions.cols() == rows.rows() && cache.cols() == rows.cols(), "setRows",
				"rows " + shape(rows) + ", positions " + shape(positions) + ", cache " + shape(cache));
	}

	/** The head size, after checking the attention's shapes. */
	public static int attention(Tensor q, Tensor keys, Tensor values, Tensor positions, int heads, int kvHeads, Tensor out) {
		type("attention", "q", q, TensorType.F32);
		type("attention", "out", out, TensorType.F32);
		vector("attention", "positions", positions, TensorType.I32);
		require(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && q.cols() % heads == 0, "attention",
				heads + " heads, " + kvHeads + " key/value heads, q " + shape(q) + ": heads must be a multiple of kvHeads and divide q's columns");
		int headSize = q.cols() / heads;
		require(keys.type() == values.type() && (keys.type() == TensorType.F16 || keys.type() == TensorType.F32), "attention",
				"keys " + keys.type() + " and values " + values.type() + " must both be F16 or F32");
		require(sameShape(keys, values) && keys.cols() == kvHeads * headSize, "attention",
				"keys " + shape(keys) + ", values " + shape(values) + " must be alike with " + kvHeads + " × " + headSize + " columns");
		require(positions.cols() == q.rows() && sameShape(q, out), "attention",
				"q " + shape(q) + ", positions " + shape(positions) + ", out " + shape(out) + ": a position per row, out q's shape");
		return headSize;
	}

	public static void swiGlu(Tensor gate, Tensor up, Tensor out) {
		type("swiGlu", "gate", gate, TensorType.F32);
		type("swiGlu", "up", up, TensorType.F32);
		type("swiGlu", "out", out, TensorType.F32);
		require(sameShape(gate, up) && sameShape(gate, out), "swiGlu", "gate " + shape(gate) + ", up " + shape(up) + ", out " + shape(out));
	}

	public static void argmax(Tensor values, Tensor out) {
		type("argmax", "values", values, TensorType.F32);
		vector("argmax", "out", out, TensorType.I32);
		require(out.cols() == values.rows(), "argmax", "values " + shape(values) + ", out " + shape(out) + ": an index per row");
	}

	public static void topK(Tensor row, int k, Tensor values, Tensor indices) {
		vector("topK", "row", row, TensorType.F32);
		vector("topK", "values", values, TensorType.F32);
		vector("topK", "indices", indices, TensorType.I32);
		require(k >= 1 && k <= MAX_TOP_K && k <= row.cols(), "topK", "k " + k + " must be 1 … " + Math.min(MAX_TOP_K, row.cols()));
		require(values.cols() == k && indices.cols() == k, "topK", "values " + shape(values) + ", indices " + shape(indices) + " must be 1 × " + k);
	}

	public static void copy(Tensor source, Tensor target) {
		require(source.type() == target.type() && sameShape(source, target), "copy",
				"source " + source.type() + " " + shape(source) + ", target " + target.type() + " " + shape(target));
	}

	public static void activation(Tensor x, Tensor out) {
		type("activation", "x", x, TensorType.F32);
		type("activation", "out", out, TensorType.F32);
		require(sameShape(x, out), "activation", "x " + shape(x) + ", out " + shape(out));
	}

	public static void geglu(Tensor x, Tensor out) {
		type("geglu", "x", x, TensorType.F32);
		type("geglu", "out", out, TensorType.F32);
		require(x.rows() == out.rows() && x.cols() == 2 * out.cols(), "geglu", "x " + shape(x) + ", out " + shape(out) + ": x has twice out's columns");
	}

	public static void linear(Tensor weights, Tensor bias, Tensor x, Tensor out) {
		matmul(weights, x, out);
		if (bias != null) {
			parameter("linear", "bias", bias, weights.rows());
		}
	}

	public static void layerNorm(Tensor x, Tensor weight, Tensor bias, Tensor out) {
		type("layerNorm", "x", x, TensorType.F32);
		type("layerNorm", "out", out, TensorType.F32);
		require(sameShape(x, out), "layerNorm", "x " + shape(x) + ", out " + shape(out));
		parameter("layerNorm", "weight", weight, x.cols());
		parameter("layerNorm", "bias", bias, x.cols());
	}

	public static void groupNorm(Tensor x, int batch, int groups, Tensor weight, Tensor bias, Tensor out) {
		type("groupNorm", "x", x, TensorType.F32);
		type("groupNorm", "out", out, TensorType.F32);
		require(sameShape(x, out), "groupNorm", "x " + shape(x) + ", out " + shape(out));
		require(batch > 0 && x.rows() % batch == 0, "groupNorm", "x " + shape(x) + " does not hold " + batch + " images of equal size");
		require(groups > 0 && x.cols() % groups == 0, "groupNorm", groups + " groups do not divide " + x.cols() + " channels");
		parameter("groupNorm", "weight", weight, x.cols());
		parameter("groupNorm", "bias", bias, x.cols());
	}

	public static void conv2d(Tensor x, int batch, int height, int width, Tensor weight, Tensor bias, int kernel, int stride, int padding, Tensor out) {
		type("conv2d", "x", x, TensorType.F32);
		type("conv2d", "out", out, TensorType.F32);
		floatType("conv2d", "weight", weight);
		require(kernel > 0 && stride > 0 && padding >= 0 && height > 0 && width > 0 && batch > 0, "conv2d",
				"kernel " + kernel + ", stride " + stride + ", padding " + padding + ", " + batch + " image(s) of " + height + " × " + width);
		require((long) x.rows() == (long) batch * height * width, "conv2d",
				"x " + shape(x) + " is not " + batch + " image(s) of " + height + " × " + width + " pixels");
		require(weight.cols() == x.cols() * kernel * kernel, "conv2d",
				"weight " + shape(weight) + " must have x's " + x.cols() + " channels × " + kernel + "² columns");
		int outHeight = convOut(height, kernel, stride, padding);
		int outWidth = convOut(width, kernel, stride, padding);
		require(outHeight > 0 && outWidth > 0 && (long) out.rows() == (long) batch * outHeight * outWidth && out.cols() == weight.rows(), "conv2d",
				"out " + shape(out) + " must be " + batch + "·" + outHeight + "·" + outWidth + " pixels × the weight's " + weight.rows() + " channels");
		if (bias != null) {
			parameter("conv2d", "bias", bias, weight.rows());
		}
	}

	/** Pixels along one side of a convolution's output. */
	public static int convOut(int size, int kernel, int stride, int padding) {
		return (size + 2 * padding - kernel) / stride + 1;
	}

	public static void multiHeadAttention(Tensor q, Tensor k, Tensor v, int batch, int heads, boolean causal, Tensor out) {
		for (Tensor t : new Tensor[] { q, k, v, out }) {
			type("multiHeadAttention", t == q ? "q" : t == k ? "k" : t == v ? "v" : "out", t, TensorType.F32);
		}
		require(heads > 0 && q.cols() % heads == 0, "multiHeadAttention", heads + " heads do not divide q's " + q.cols() + " columns");
		require(sameShape(k, v) && k.cols() == q.cols() && sameShape(q, out), "multiHeadAttention",
				"q " + shape(q) + ", k " + shape(k) + ", v " + shape(v) + ", out " + shape(out) + ": k and v alike with q's columns, out q's shape");
		require(batch > 0 && q.rows() % batch == 0 && k.rows() % batch == 0, "multiHeadAttention",
				"q " + shape(q) + " and k " + shape(k) + " are not " + batch + " runs of equal rows each");
		require(!causal || k.rows() == q.rows(), "multiHeadAttention", "causal attention needs as many keys as queries, not " + shape(k) + " for " + shape(q));
	}

	public static void upsampleNearest2x(Tensor x, int height, int width, Tensor out) {
		type("upsampleNearest2x", "x", x, TensorType.F32);
		type("upsampleNearest2x", "out", out, TensorType.F32);
		require(height > 0 && width > 0 && x.rows() == height * width && out.rows() == 4 * x.rows() && out.cols() == x.cols(), "upsampleNearest2x",
				"x " + shape(x) + " as " + height + " × " + width + " pixels, out " + shape(out) + ": out has four times the pixels");
	}

	public static void pad(Tensor x, int height, int width, int top, int bottom, int left, int right, Tensor out) {
		type("pad", "x", x, TensorType.F32);
		type("pad", "out", out, TensorType.F32);
		require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "pad", "padding " + top + ", " + bottom + ", " + left + ", " + right + " must not be negative");
		require(height > 0 && width > 0 && x.rows() == height * width && out.cols() == x.cols()
				&& out.rows() == (height + top + bottom) * (width + left + right), "pad",
				"x " + shape(x) + " as " + height + " × " + width + " pixels, out " + shape(out) + ": out has the padded image's pixels and x's channels");
	}

	public static void concatColumns(Tensor a, Tensor b, Tensor out) {
		type("concatColumns", "a", a, TensorType.F32);
		type("concatColumns", "b", b, TensorType.F32);
		type("concatColumns", "out", out, TensorType.F32);
		require(a.rows() == b.rows() && out.rows() == a.rows() && out.cols() == a.cols() + b.cols(), "concatColumns",
				"a " + shape(a) + ", b " + shape(b) + ", out " + shape(out));
	}

	public static void timestepEmbedding(Tensor timesteps, Tensor out) {
		vector("timestepEmbedding", "timesteps", timesteps, TensorType.F32);
		type("timestepEmbedding", "out", out, TensorType.F32);
		require(out.rows() == timesteps.cols() && out.cols() % 2 == 0, "timestepEmbedding",
				"timesteps " + shape(timesteps) + ", out " + shape(out) + ": a row per timestep, an even width");
	}

	/** A per-channel parameter: one row of {@code cols} values of a float type. */
	private static void parameter(String op, String what, Tensor t, int cols) {
		floatType(op, what, t);
		require(t.rows() == 1 && t.cols() == cols, op, what + " " + shape(t) + " must be 1 × " + cols);
	}

	private static void floatType(String op, String what, Tensor t) {
		require(t.type() == TensorType.F32 || t.type() == TensorType.F16 || t.type() == TensorType.BF16, op, what + " is " + t.type() + ", not F32, F16 or BF16");
	}

	/** A new tensor's bytes, after checking its shape: positive, whole blocks per row. */
	public static long allocation(TensorType type, int rows, int cols) {
		require(rows > 0 && cols > 0, "allocate", type + " " + rows + " × " + cols);
		return rows * type.rowBytes(cols);
	}

	/** An uploaded tensor's bytes, after checking its shape and that the data has exactly that many. */
	public static long upload(TensorType type, int rows, int cols, MemorySegment data) {
		long bytes = allocation(type, rows, cols);
		require(data.byteSize() == bytes, "upload", "a " + type + " matrix of " + rows + " × " + cols + " takes " + bytes + " bytes, not " + data.byteSize()
				+ (type.quantised() ? " (a damaged block table)" : ""));
		return bytes;
	}

	public static String shape(Tensor t) {
		return t.rows() + " × " + t.cols();
	}

	private static boolean sameShape(Tensor a, Tensor b) {
		return a.rows() == b.rows() && a.cols() == b.cols();
	}

	private static void type(String op, String what, Tensor t, TensorType type) {
		require(t.type() == type, op, what + " is " + t.type() + ", not " + type);
	}

	private static void vector(String op, String what, Tensor t, TensorType type) {
		type(op, what, t, type);
		require(t.rows() == 1, op, what + " " + shape(t) + " must be one row");
	}

	private static void require(boolean ok, String op, String why) {
		if (!ok) {
			throw new IllegalArgumentException(op + ": " + why);
		}
	}
}
