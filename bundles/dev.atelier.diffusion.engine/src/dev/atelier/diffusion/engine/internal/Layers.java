package dev.atelier.diffusion.engine.internal;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * The building blocks the three networks share, on one {@link Compute}, with the checkpoint's weights by their
 * diffusers names: convolutions, norms, linear layers, resnet blocks and attention. Images are stored a pixel per row
 * (height·width × channels), so that the transformer parts work on them without transposing. Each weight goes onto
 * the compute on first use, in its stored type, and stays there; each block returns a new tensor and frees its
 * temporaries, the caller frees what it gave.
 */
final class Layers {

	/** Every GroupNorm of SD's UNet and VAE. */
	static final int GROUPS = 32;

	private final Compute compute;
	private final Path source;
	private final Map<String, Weight> weights;
	private final Map<String, Tensor> uploaded = new HashMap<>();

	private final Predicate<String> asF32;

	/**
	 * Over {@code weights} (a checkpoint's or a ControlNet's) from file {@code source}, which errors name; {@code asF32}:
	 * weights uploaded as F32 whatever their stored type (see {@link Engine#open}).
	 */
	Layers(Compute compute, Path source, Map<String, Weight> weights, Predicate<String> asF32) {
		this.compute = compute;
		this.source = source;
		this.weights = weights;
		this.asF32 = asF32;
	}

	Compute compute() {
		return compute;
	}

	boolean has(String name) {
		return weights.containsKey(name);
	}

	/**
	 * The weight {@code name} on the compute: a matrix of its first dimension's rows (a convolution's kernel flattened
	 * to a row per output channel), or one row for a vector. It reads the checkpoint's mapped file in place on the CPU.
	 */
	Tensor weight(String name) {
		Tensor t = uploaded.get(name);
		if (t != null) {
			return t;
		}
		Weight w = stored(name);
		int rows = rows(w);
		int cols = (int) (w.elements() / rows);
		try {
			t = w.transposed() || asF32.test(name) ? upload(w.toFloats(), rows, cols) : compute.upload(type(w), rows, cols, w.data());
		} catch (CheckpointException e) {
			throw new IllegalStateException(e.getMessage(), e);
		}
		uploaded.put(name, t);
		return t;
	}

	/** The checkpoint's weight {@code name}. */
	Weight stored(String name) {
		Weight w = weights.get(name);
		if (w == null) {
			throw new IllegalStateException(source + ": the engine needs " + name + ", which the checkpoint does not have");
		}
		return w;
	}

	private static int rows(Weight w) {
		long[] shape = w.shape();
		return shape.length == 1 ? 1 : (int) shape[0];
	}

	private TensorType type(Weight w) {
		return switch (w.dtype()) {
		case F32 -> TensorType.F32;
		case F16 -> TensorType.F16;
		case BF16 -> TensorType.BF16;
		default -> throw new IllegalStateException(source + ": " + w.name() + " is " + w.dtype() + ", not a weight type");
		};
	}

	/**
	 * {@code values} in place of weight {@code name} until {@link #restore}d, rounded to the weight's stored type as
	 * AUTOMATIC1111 merges a LoRA into the model's own precision; the checkpoint's file is never written.
	 */
	void replace(String name, float[] values) {
		Weight w = stored(name);
		int rows = rows(w);
		TensorType type = type(w);
		MemorySegment data = switch (type) {
		case F16 -> {
			short[] half = new short[values.length];
			for (int i = 0; i < half.length; i++) {
				half[i] = Float.floatToFloat16(values[i]);
			}
			yield MemorySegment.ofArray(half);
		}
		case BF16 -> {
			short[] brain = new short[values.length];
			for (int i = 0; i < brain.length; i++) {
				int bits = Float.floatToRawIntBits(values[i]);
				// round to nearest even on the 16 bits dropped
				brain[i] = (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
			}
			yield MemorySegment.ofArray(brain);
		}
		default -> MemorySegment.ofArray(values);
		};
		Tensor t = compute.allocate(type, rows, values.length / rows);
		t.write(data);
		restore(name);
		uploaded.put(name, t);
	}

	/** Weight {@code name} as the checkpoint has it again, read on its next use. */
	void restore(String name) {
		Tensor t = uploaded.remove(name);
		if (t != null) {
			t.close();
		}
	}

	/** Host floats as a new F32 tensor. */
	Tensor upload(float[] values, int rows, int cols) {
		Tensor t = compute.allocate(TensorType.F32, rows, cols);
		t.write(MemorySegment.ofArray(values));
		return t;
	}

	static float[] read(Tensor t) {
		float[] out = new float[t.rows() * t.cols()];
		t.read(MemorySegment.ofArray(out));
		return out;
	}

	Tensor allocate(int rows, int cols) {
		return compute.allocate(TensorType.F32, rows, cols);
	}

	/** {@code prefix.weight} · x + {@code prefix.bias} (the bias where the checkpoint has one). */
	Tensor linear(String prefix, Tensor x) {
		Tensor w = weight(prefix + ".weight");
		Tensor out = allocate(x.rows(), w.rows());
		compute.linear(w, has(prefix + ".bias") ? weight(prefix + ".bias") : null, x, out);
		return out;
	}

	/** A square convolution of an image of height × width pixels; the result's size follows from stride and padding. */
	Tensor conv(String prefix, Tensor x, int height, int width, int kernel, int stride, int padding) {
		Tensor w = weight(prefix + ".weight");
		int oh = (height + 2 * padding - kernel) / stride + 1;
		int ow = (width + 2 * padding - kernel) / stride + 1;
		Tensor out = allocate(oh * ow, w.rows());
		compute.conv2d(x, height, width, w, weight(prefix + ".bias"), kernel, stride, padding, out);
		return out;
	}

	Tensor groupNorm(String prefix, Tensor x, float eps, boolean silu) {
		Tensor out = allocate(x.rows(), x.cols());
		compute.groupNorm(x, GROUPS, weight(prefix + ".weight"), weight(prefix + ".bias"), eps, silu, out);
		return out;
	}

	Tensor layerNorm(String prefix, Tensor x, float eps) {
		Tensor out = allocate(x.rows(), x.cols());
		compute.layerNorm(x, weight(prefix + ".weight"), weight(prefix + ".bias"), eps, out);
		return out;
	}

	/** {@code sum += x}, freeing x. */
	void addInto(Tensor sum, Tensor x) {
		compute.add(sum, x, sum);
		x.close();
	}

	/**
	 * diffusers' ResnetBlock2D: GroupNorm+SiLU, 3×3 convolution, plus the projected time embedding where
	 * {@code siluTime} is given (already through SiLU, one row), GroupNorm+SiLU, 3×3 convolution, added to the input
	 * (through a 1×1 convolution where the channels change).
	 */
	Tensor resnet(String prefix, Tensor x, int height, int width, Tensor siluTime, float eps) {
		Tensor h;
		try (Tensor n = groupNorm(prefix + ".norm1", x, eps, true)) {
			h = conv(prefix + ".conv1", n, height, width, 3, 1, 1);
		}
		if (siluTime != null) {
			try (Tensor t = linear(prefix + ".time_emb_proj", siluTime)) {
				compute.add(h, t, h);
			}
		}
		Tensor out;
		try (Tensor n = groupNorm(prefix + ".norm2", h, eps, true)) {
			h.close();
			out = conv(prefix + ".conv2", n, height, width, 3, 1, 1);
		}
		if (has(prefix + ".conv_shortcut.weight")) {
			try (Tensor s = conv(prefix + ".conv_shortcut", x, height, width, 1, 1, 0)) {
				compute.add(out, s, out);
			}
		} else {
			compute.add(out, x, out);
		}
		return out;
	}

	/** diffusers' Upsample2D: nearest 2× upsampling, then a 3×3 convolution; the result is 2·height × 2·width. */
	Tensor upsample(String prefix, Tensor x, int height, int width) {
		try (Tensor up = allocate(4 * x.rows(), x.cols())) {
			compute.upsampleNearest2x(x, height, width, up);
			return conv(prefix + ".conv", up, 2 * height, 2 * width, 3, 1, 1);
		}
	}

	/**
	 * diffusers' Attention: queries from {@code x}, keys and values from {@code context} (x itself for self-attention),
	 * {@code heads} heads, the output projection {@code to_out.0}.
	 */
	Tensor attention(String prefix, Tensor x, Tensor context, int heads, boolean causal) {
		try (Tensor q = linear(prefix + ".to_q", x); Tensor k = linear(prefix + ".to_k", context); Tensor v = linear(prefix + ".to_v", context);
				Tensor a = allocate(q.rows(), q.cols())) {
			compute.multiHeadAttention(q, k, v, heads, causal, a);
			return linear(prefix + ".to_out.0", a);
		}
	}

	/** {@code next}, after freeing {@code previous}: a step that replaces the activations it read. */
	static Tensor replace(Tensor previous, Tensor next) {
		previous.close();
		return next;
	}

	/** {@code f(x)} in place. */
	void activate(Activation f, Tensor x) {
		compute.activation(f, x, x);
	}

	/** Frees every weight put on the compute. */
	void close() {
		uploaded.values().forEach(Tensor::close);
		uploaded.clear();
	}
}
