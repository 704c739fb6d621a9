package dev.atelier.compute;

import java.lang.foreign.MemorySegment;
import java.util.List;

import dev.atelier.device.Device;

/**
 * Tensors and the operations of transformer-style and diffusion engines on one device, under one lease: Atelier's own CUDA kernels
 * (cuBLAS where found) on a GPU, the Vector API on the CPU and on simulated cards. Engines get device memory,
 * kernels and streams only through this interface, so that the same engine code runs in CI without a GPU.
 *
 * <p>Operations are queued in call order on the compute's one stream and return at once on a GPU (the CPU
 * backend runs them before returning); {@link Tensor#read} and {@link #synchronize()} wait. Every tensor passed must
 * belong to this compute. Activations are {@link TensorType#F32} with a row per token (an image: a row per pixel, row-major,
 * its channels along the row); token ids and positions are
 * {@link TensorType#I32} vectors (one row). Shapes are checked when an operation is queued, and a mismatch throws
 * {@link IllegalArgumentException} naming the operation and the shapes. releng/gpu/ComputeCheck.java compares
 * every CUDA operation, the batched forms included, with the CPU backend on a GPU.
 */
public interface Compute extends AutoCloseable {

	Device device();

	/**
	 * What runs the work, for {@code atelier devices} and logs: e.g. {@code cuda: Atelier kernels sm_90, cuBLAS 13.0
	 * (/usr/local/cuda/lib64/libcublas.so.13)} or {@code cpu: Vector API 256-bit, 2 threads}.
	 */
	String description();

	/**
	 * A tensor of uninitialised values. Throws {@link IllegalStateException} naming the lease when its memory is
	 * exhausted.
	 */
	Tensor allocate(TensorType type, int rows, int cols);

	/**
	 * A tensor holding {@code data} ({@code rows × type.rowBytes(cols)} bytes, as a GGUF file stores it). The CPU
	 * backend may read {@code data} in place instead of copying, so it must stay valid while the tensor is open.
	 */
	Tensor upload(TensorType type, int rows, int cols, MemorySegment data);

	/** {@code out[i] = table[ids[i]]} as F32: embedding lookups from a table of any type. */
	void getRows(Tensor table, Tensor ids, Tensor out);

	/**
	 * {@code out[i] = weights · x[i]} for each row i of {@code x}: {@code weights} (rows × cols, any type) read in its
	 * own type, {@code x} F32 (n × cols), {@code out} F32 (n × rows). Batches of more than one row use tensor cores
	 * on a GPU.
	 */
	void matmul(Tensor weights, Tensor x, Tensor out);

	/**
	 * {@code outs[j] = weights[j] · x} for each j, as {@link #matmul} does one by one: the matrices that share an input
	 * (a layer's query, key and value; its gate and up) run in one GEMV launch per weight type on a GPU, x quantised
	 * once. Weights may differ in type and rows; each has x's columns.
	 */
	default void matmuls(List<Tensor> weights, Tensor x, List<Tensor> outs) {
		if (weights.isEmpty() || weights.size() != outs.size()) {
			throw new IllegalArgumentException("matmuls: " + weights.size() + " weights and " + outs.size() + " outputs");
		}
		for (int j = 0; j < weights.size(); j++) {
			matmul(weights.get(j), x, outs.get(j));
		}
	}

	/**
	 * {@code out = a + b} (F32): {@code b} has a's columns and k rows, k dividing a's rows, and its row j is added to the
	 * j-th of k equal runs of a's rows: k = a's rows adds element-wise, k = 1 adds a bias to every row, k = a batch's
	 * images adds each image its own row (a per-image time embedding).
	 */
	void add(Tensor a, Tensor b, Tensor out);

	/** {@code out[i] = x[i] / sqrt(mean(x[i]²) + eps) · weight} per row; {@code weight} F32, one row. */
	void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out);

	/**
	 * The residual step of a transformer in one pass: {@code sum = a + b}, then {@code out = rmsNorm(sum, weight)}.
	 * {@code a}, {@code b}, {@code sum} and {@code out} have one shape; {@code sum} may be {@code a} or {@code b}, and
	 * {@code out} may be {@code b}.
	 */
	default void addRmsNorm(Tensor a, Tensor b, Tensor weight, float eps, Tensor sum, Tensor out) {
		add(a, b, sum);
		rmsNorm(sum, weight, eps, out);
	}

	/**
	 * Rotary position embedding in place: row i of {@code x} (heads × headSize) is rotated by
	 * {@code positions[i] × frequencies[j]} on each pair j of each head, pairs (2j, 2j+1), or (j, j + headSize/2)
	 * with {@code neox}. {@code frequencies} is F32, one row of headSize/2 (with any scaling the model states).
	 */
	void rope(Tensor x, Tensor positions, Tensor frequencies, int headSize, boolean neox);

	/** {@code cache[positions[i]] = rows[i]}: F32 rows stored into a cache of F16 (or F32) rows. */
	void setRows(Tensor rows, Tensor positions, Tensor cache);

	/**
	 * A layer's new keys and values in one pass: {@link #rope} of {@code q} and {@code k} in place, then
	 * {@link #setRows} of {@code k} into {@code keys} and {@code v} into {@code values}, at the same positions.
	 */
	default void ropeAndCache(Tensor q, Tensor k, Tensor v, Tensor positions, Tensor frequencies, int headSize, boolean neox, Tensor keys,
			Tensor values) {
		rope(q, positions, frequencies, headSize, neox);
		rope(k, positions, frequencies, headSize, neox);
		setRows(k, positions, keys);
		setRows(v, positions, values);
	}

	/**
	 * Causal grouped-query attention: row i of {@code q} (heads × headSize) attends to rows {@code 0 …
	 * positions[i]} of {@code keys} and {@code values} (caches of kvHeads × headSize per row, F16 or F32), query
	 * head h reading key/value head {@code h / (heads / kvHeads)}, scores scaled by 1/√headSize. Writes {@code out}
	 * (n × heads·headSize). Long contexts are split across the device (flash-decoding).
	 */
	void attention(Tensor q, Tensor keys, Tensor values, Tensor positions, int heads, int kvHeads, Tensor out);

	/** {@code out = silu(gate) · up}, element-wise (F32). */
	void swiGlu(Tensor gate, Tensor up, Tensor out);

	/** The element-wise functions of {@link #activation}. */
	enum Activation {
		/** x·σ(x). */
		SILU,
		/** x·Φ(x) with the exact normal CDF (erf), PyTorch's default GELU. */
		GELU,
		/** x·σ(1.702·x), OpenAI CLIP's approximation. */
		QUICK_GELU
	}

	/** {@code out = f(x)} element-wise (F32, one shape; {@code out} may be {@code x}). */
	void activation(Activation f, Tensor x, Tensor out);

	/**
	 * {@code out = x[:, :d] · gelu(x[:, d:])} for x (n × 2d), out (n × d): the gated feed-forward of Stable Diffusion's
	 * transformer blocks (diffusers' GEGLU, exact GELU).
	 */
	void geglu(Tensor x, Tensor out);

	/**
	 * {@code out = weights · x[i] + bias} per row: {@link #matmul} plus a bias (one row of the weights' rows, F32, F16 or
	 * BF16; null for none).
	 */
	void linear(Tensor weights, Tensor bias, Tensor x, Tensor out);

	/**
	 * Per row: {@code (x − mean) / sqrt(var + eps) · weight + bias} over the row's values (biased variance);
	 * {@code weight} and {@code bias} one row each, F32, F16 or BF16.
	 */
	void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out);

	/**
	 * Group normalisation of an image stored a pixel per row (pixels × channels): the channels fall into {@code groups}
	 * equal groups, each normalised over all pixels and its channels (biased variance), then scaled and shifted per
	 * channel by {@code weight} and {@code bias} (one row each, F32, F16 or BF16), then passed through SiLU where
	 * {@code silu} (the fused form of the resnet blocks). {@code out} may be {@code x}.
	 */
	default void groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, boolean silu, Tensor out) {
		groupNorm(x, 1, groups, weight, bias, eps, silu, out);
	}

	/**
	 * {@link #groupNorm(Tensor, int, Tensor, Tensor, float, boolean, Tensor)} of a batch: x holds {@code batch} images of
	 * equal size one after another, each normalised over its own pixels.
	 */
	void groupNorm(Tensor x, int batch, int groups, Tensor weight, Tensor bias, float eps, boolean silu, Tensor out);

	/**
	 * 2-D convolution (cross-correlation, as PyTorch's Conv2d) of an image of {@code height × width} pixels stored a
	 * pixel per row, row-major (x F32: height·width × inChannels): {@code weight} is outChannels × inChannels·kernel²
	 * (PyTorch's [out][in][ky][kx] flattened; F32, F16 or BF16), {@code bias} one row of outChannels or null, zero
	 * padding on every side; {@code out} F32, outHeight·outWidth × outChannels with outHeight =
	 * (height + 2·padding − kernel) / stride + 1 (the same for the width).
	 */
	default void conv2d(Tensor x, int height, int width, Tensor weight, Tensor bias, int kernel, int stride, int padding, Tensor out) {
		conv2d(x, 1, height, width, weight, bias, kernel, stride, padding, out);
	}

	/**
	 * {@link #conv2d(Tensor, int, int, Tensor, Tensor, int, int, int, Tensor)} of {@code batch} images of height × width
	 * one after another in x (batch·height·width rows); out holds their outputs in the same order.
	 */
	void conv2d(Tensor x, int batch, int height, int width, Tensor weight, Tensor bias, int kernel, int stride, int padding, Tensor out);

	/**
	 * Multi-head scaled dot-product attention without a cache: {@code q} (n × heads·d) against {@code k} and {@code v}
	 * (m × heads·d), each head's scores scaled by 1/√d and softmaxed over the keys; {@code causal} lets row i see keys
	 * 0 … i only (then n = m). {@code out} F32, q's shape. Self-attention (k, v from the same rows) and cross-attention
	 * (from a text encoder's states) alike.
	 */
	default void multiHeadAttention(Tensor q, Tensor k, Tensor v, int heads, boolean causal, Tensor out) {
		multiHeadAttention(q, k, v, 1, heads, causal, out);
	}

	/**
	 * {@link #multiHeadAttention(Tensor, Tensor, Tensor, int, boolean, Tensor)} of a batch: q, k and v each hold
	 * {@code batch} equal runs of rows, and each run of queries attends to its own run of keys and values only (an image's
	 * pixels to themselves, or to its own prompt's tokens).
	 */
	void multiHeadAttention(Tensor q, Tensor k, Tensor v, int batch, int heads, boolean causal, Tensor out);

	/**
	 * Nearest-neighbour 2× upsampling of a {@code height × width} image stored a pixel per row: out (4·height·width ×
	 * channels). A batch of images one after another upsamples as one image of their stacked heights.
	 */
	void upsampleNearest2x(Tensor x, int height, int width, Tensor out);

	/**
	 * Zero padding of an image of {@code height × width} pixels stored a pixel per row: {@code top} rows above,
	 * {@code bottom} below, {@code left} and {@code right} columns beside; out ((height+top+bottom)·(width+left+right) ×
	 * channels). PyTorch's F.pad, as diffusers' VAE encoder pads before its unpadded stride-2 convolutions.
	 */
	void pad(Tensor x, int height, int width, int top, int bottom, int left, int right, Tensor out);

	/** {@code out[i] = a[i] ‖ b[i]}: rows side by side (a channel concatenation of images stored a pixel per row). */
	void concatColumns(Tensor a, Tensor b, Tensor out);

	/**
	 * The sinusoidal timestep embedding of Stable Diffusion's UNets: for timesteps (F32, one row of n), out (n × dim,
	 * dim even) holds {@code cos(t·f_j)} then {@code sin(t·f_j)} with {@code f_j = 10000^(−j / (dim/2))}, j = 0 …
	 * dim/2 − 1, in float arithmetic as diffusers' {@code get_timestep_embedding} with {@code flip_sin_to_cos} and no
	 * frequency shift.
	 */
	void timestepEmbedding(Tensor timesteps, Tensor out);

	/** {@code out[i]} = the index of row i's largest value (the first on ties); {@code out} I32, one row. */
	void argmax(Tensor values, Tensor out);

	/**
	 * The {@code k} largest values of one row and their indices, largest first (ties: lower index first):
	 * {@code values} F32 (1 × k), {@code indices} I32 (1 × k); k ≤ 256.
	 */
	void topK(Tensor row, int k, Tensor values, Tensor indices);

	/** Copies {@code source} into {@code target} (same type and shape). */
	void copy(Tensor source, Tensor target);

	/**
	 * Records the operations {@code work} queues (without running them) into a graph that {@link Graph#replay()}
	 * runs again, as one CUDA Graph launch on a GPU: for a launch sequence that repeats, like a decode step.
	 * Shapes and tensors are fixed at capture; what changes between replays (a position, a token id) lives in
	 * tensors written with {@link Tensor#write} before each replay. No read may happen inside {@code work}.
	 */
	Graph capture(Runnable work);

	/** Waits until every queued operation has finished. */
	void synchronize();

	/** Frees every tensor and graph this compute made; the compute context it was opened on stays open. */
	@Override
	void close();

	/** A captured sequence of operations. */
	interface Graph extends AutoCloseable {

		/** Queues the captured operations again. */
		void replay();

		@Override
		void close();
	}
}
