package dev.atelier.diffusion.engine.internal;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * The building blocks the three networks share, on one {@link Compute}, with the checkpoint's weights by their
 * diffusers names: convolutions, norms, linear layers, resnet blocks and attention. Images are stored a pixel per row
 * (height·width × channels), so that the transformer parts work on them without transposing. Each weight goes onto
 * the compute on first use, in its stored type, and stays there, or, with a byte budget (the streamed mode), until
 * the least recently used ones must make room for another block's; each block returns a new tensor and frees its
 * temporaries, the caller frees what it gave.
 *
 * <p>The streamed mode reads each weight again from the host copy, the checkpoint's mapped file (or a LoRA-merged copy
 * in host memory). Compute has no pinned host buffers to stage them in (ComputeContext.allocateHost pins, but engines
 * see only Compute), so on a GPU these uploads copy from pageable memory, synchronously: not yet the overlapped
 * copy from pinned memory that would hide them.
 */
final class Layers {

	/** Every GroupNorm of SD's UNet and VAE. */
	static final int GROUPS = 32;
	/** The resident mode's budget: every weight stays. */
	static final long RESIDENT = Long.MAX_VALUE;

	/** Module lists whose entries are the blocks weights stream by (the deepest one in a weight's name). */
	private static final Set<String> CONTAINERS = Set.of("resnets", "attentions", "transformer_blocks", "layers", "downsamplers", "upsamplers");
	/** The text encoders' lookup tables: streamed, only the rows a prompt uses go to the compute. */
	private static final List<String> TABLES = List.of("embeddings.token_embedding.weight", "embeddings.position_embedding.weight");

	private final Compute compute;
	private final Path source;
	private final Map<String, Weight> weights;
	/** Least recently used first. */
	private final LinkedHashMap<String, Held> uploaded = new LinkedHashMap<>(64, 0.75f, true);
	/** LoRA-merged values in place of the checkpoint's, in the weight's stored type: what a streamed weight is read from again. */
	private final Map<String, MemorySegment> merged = new HashMap<>();
	private final Predicate<String> asF32;
	private final long budget;
	private long heldBytes;
	private long peakBytes;

	private record Held(Tensor tensor, String block) {
	}

	/**
	 * Over {@code weights} (a checkpoint's or a ControlNet's) from file {@code source}, which errors name; {@code asF32}:
	 * weights uploaded as F32 whatever their stored type (see {@link Engine#open}); {@code budget}: the bytes of weights
	 * held on the compute at once ({@link #RESIDENT} for all).
	 */
	Layers(Compute compute, Path source, Map<String, Weight> weights, Predicate<String> asF32, long budget) {
		this.compute = compute;
		this.source = source;
		this.weights = weights;
		this.asF32 = asF32;
		this.budget = budget;
	}

	/** {@link #Layers(Compute, Path, Map, Predicate, long)} holding every weight it uploads. */
	Layers(Compute compute, Path source, Map<String, Weight> weights, Predicate<String> asF32) {
		this(compute, source, weights, asF32, RESIDENT);
	}

	Compute compute() {
		return compute;
	}

	/** Whether weights stream through a budget (and may be uploaded again at any use). */
	boolean streamed() {
		return budget != RESIDENT;
	}

	boolean has(String name) {
		return weights.containsKey(name);
	}

	/**
	 * The weight {@code name} on the compute: a matrix of its first dimension's rows (a convolution's kernel flattened
	 * to a row per output channel), or one row for a vector. It reads the checkpoint's mapped file in place on the CPU.
	 * Streamed, other blocks' weights are let go, least recently used first, until this one fits the budget; those of
	 * its own block stay, so that the weights one operation takes (a layer's weight and bias) are all there.
	 */
	Tensor weight(String name) {
		Held held = uploaded.get(name);
		if (held != null) {
			return held.tensor();
		}
		Weight w = stored(name);
		int rows = rows(w);
		int cols = (int) (w.elements() / rows);
		MemorySegment values = merged.get(name);
		String block = block(name);
		makeRoom(held(w, name, values != null), block);
		Tensor t;
		try {
			if (values != null) {
				t = compute.allocate(type(w), rows, cols);
				t.write(values);
			} else {
				t = asF32(w, name) ? upload(w.toFloats(), rows, cols) : compute.upload(type(w), rows, cols, w.data());
			}
		} catch (CheckpointException e) {
			throw new IllegalStateException(e.getMessage(), e);
		}
		uploaded.put(name, new Held(t, block));
		heldBytes += t.bytes();
		peakBytes = Math.max(peakBytes, heldBytes);
		return t;
	}

	private boolean asF32(Weight w, String name) {
		return w.transposed() || asF32.test(name);
	}

	/** The bytes weight {@code name} takes on the compute: its stored type's, or F32's. */
	private long held(Weight w, String name, boolean merged) {
		int rows = rows(w);
		long cols = w.elements() / rows;
		return rows * (!merged && asF32(w, name) ? TensorType.F32 : type(w)).rowBytes(cols);
	}

	private void makeRoom(long bytes, String block) {
		if (budget == RESIDENT) {
			return;
		}
		for (Iterator<Held> it = uploaded.values().iterator(); it.hasNext() && heldBytes + bytes > budget;) {
			Held old = it.next();
			if (!old.block().equals(block)) {
				it.remove();
				heldBytes -= old.tensor().bytes();
				old.tensor().close();
			}
		}
		if (heldBytes + bytes > budget) {
			throw new IllegalStateException(source + ": the block " + block + " needs more than the " + budget
					+ " bytes weights stream through");
		}
	}

	/**
	 * The block weight {@code name} streams with: the entry of the deepest module list in its name (a resnet, a
	 * transformer block, a text encoder layer), else its own module.
	 */
	static String block(String name) {
		String[] parts = name.split("\\.");
		int end = parts.length - 1;
		for (int i = parts.length - 2; i >= 0; i--) {
			if (CONTAINERS.contains(parts[i]) && parts[i + 1].chars().allMatch(Character::isDigit)) {
				end = i + 2;
				break;
			}
		}
		return String.join(".", Arrays.asList(parts).subList(0, Math.max(end, 1)));
	}

	private static boolean table(String name) {
		return TABLES.stream().anyMatch(name::endsWith);
	}

	/**
	 * The least weight budget the streamed mode runs {@code checkpoint} in: twice its largest block (room for the block
	 * running and the next), lookup tables left out.
	 */
	static long streamedBudget(Checkpoint checkpoint, Predicate<String> asF32) {
		Layers sizes = new Layers(null, checkpoint.source(), checkpoint.weights(), asF32);
		Map<String, Long> blocks = new HashMap<>();
		for (Map.Entry<String, Weight> e : checkpoint.weights().entrySet()) {
			if (!table(e.getKey()) && weightType(e.getValue())) {
				blocks.merge(block(e.getKey()), sizes.held(e.getValue(), e.getKey(), false), Long::sum);
			}
		}
		return 2 * blocks.values().stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/** The bytes every weight of {@code checkpoint} takes held on the compute (the resident mode's). */
	static long residentBytes(Checkpoint checkpoint, Predicate<String> asF32) {
		Layers sizes = new Layers(null, checkpoint.source(), checkpoint.weights(), asF32);
		return checkpoint.weights().entrySet().stream().filter(e -> weightType(e.getValue())).mapToLong(e -> sizes.held(e.getValue(), e.getKey(), false))
				.sum();
	}

	private static boolean weightType(Weight w) {
		return switch (w.dtype()) {
		case F32, F16, BF16 -> true;
		default -> false;
		};
	}

	/** The most bytes of weights held on the compute at once so far. */
	long peakWeightBytes() {
		return peakBytes;
	}

	/**
	 * {@code out[i]} = row {@code ids[i]} of the lookup table {@code name}, as F32. Streamed, only those rows go to the
	 * compute (a temporary as large as the output), so that a vocabulary's table takes no room in the budget.
	 */
	void embed(String name, int[] ids, Tensor out) {
		if (budget == RESIDENT) {
			try (Tensor at = ints(ids)) {
				compute.getRows(weight(name), at, out);
			}
			return;
		}
		Weight w = stored(name);
		int rows = rows(w);
		int cols = (int) (w.elements() / rows);
		MemorySegment values = merged.get(name);
		boolean f32 = values == null && asF32(w, name);
		TensorType type = f32 ? TensorType.F32 : type(w);
		long rowBytes = type.rowBytes(cols);
		MemorySegment picked = MemorySegment.ofArray(new byte[Math.toIntExact(ids.length * rowBytes)]);
		try {
			MemorySegment table = values != null ? values : f32 ? MemorySegment.ofArray(w.toFloats()) : w.data();
			for (int i = 0; i < ids.length; i++) {
				if (ids[i] < 0 || ids[i] >= rows) {
					throw new IllegalArgumentException("row " + ids[i] + " is outside " + name + "'s " + rows + " rows");
				}
				MemorySegment.copy(table, ids[i] * rowBytes, picked, i * rowBytes, rowBytes);
			}
		} catch (CheckpointException e) {
			throw new IllegalStateException(e.getMessage(), e);
		}
		int[] inOrder = new int[ids.length];
		Arrays.setAll(inOrder, i -> i);
		try (Tensor rowsOf = compute.allocate(type, ids.length, cols); Tensor at = ints(inOrder)) {
			rowsOf.write(picked);
			compute.getRows(rowsOf, at, out);
		}
	}

	/** Host ints as a new I32 vector. */
	Tensor ints(int[] values) {
		Tensor t = compute.allocate(TensorType.I32, 1, values.length);
		t.write(MemorySegment.ofArray(values));
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
		MemorySegment data = switch (type(w)) {
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
		restore(name);
		merged.put(name, data);
	}

	/** Weight {@code name} as the checkpoint has it again, read on its next use. */
	void restore(String name) {
		merged.remove(name);
		Held held = uploaded.remove(name);
		if (held != null) {
			heldBytes -= held.tensor().bytes();
			held.tensor().close();
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

	/**
	 * A square convolution of {@code batch} images of height × width pixels, one after another in x; the result's size
	 * follows from stride and padding.
	 */
	Tensor conv(String prefix, Tensor x, int batch, int height, int width, int kernel, int stride, int padding) {
		Tensor w = weight(prefix + ".weight");
		int oh = (height + 2 * padding - kernel) / stride + 1;
		int ow = (width + 2 * padding - kernel) / stride + 1;
		Tensor out = allocate(batch * oh * ow, w.rows());
		compute.conv2d(x, batch, height, width, w, weight(prefix + ".bias"), kernel, stride, padding, out);
		return out;
	}

	/** GroupNorm of {@code batch} images of equal size one after another in x, each over its own pixels. */
	Tensor groupNorm(String prefix, Tensor x, int batch, float eps, boolean silu) {
		Tensor out = allocate(x.rows(), x.cols());
		compute.groupNorm(x, batch, GROUPS, weight(prefix + ".weight"), weight(prefix + ".bias"), eps, silu, out);
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
	 * diffusers' ResnetBlock2D on {@code batch} images: GroupNorm+SiLU, 3×3 convolution, plus the projected time
	 * embedding where {@code siluTime} is given (already through SiLU, one row for every image or one per image),
	 * GroupNorm+SiLU, 3×3 convolution, added to the input (through a 1×1 convolution where the channels change).
	 */
	Tensor resnet(String prefix, Tensor x, int batch, int height, int width, Tensor siluTime, float eps) {
		Tensor h;
		try (Tensor n = groupNorm(prefix + ".norm1", x, batch, eps, true)) {
			h = conv(prefix + ".conv1", n, batch, height, width, 3, 1, 1);
		}
		if (siluTime != null) {
			try (Tensor t = linear(prefix + ".time_emb_proj", siluTime)) {
				compute.add(h, t, h);
			}
		}
		Tensor out;
		try (Tensor n = groupNorm(prefix + ".norm2", h, batch, eps, true)) {
			h.close();
			out = conv(prefix + ".conv2", n, batch, height, width, 3, 1, 1);
		}
		if (has(prefix + ".conv_shortcut.weight")) {
			try (Tensor s = conv(prefix + ".conv_shortcut", x, batch, height, width, 1, 1, 0)) {
				compute.add(out, s, out);
			}
		} else {
			compute.add(out, x, out);
		}
		return out;
	}

	/** diffusers' Upsample2D on {@code batch} images: nearest 2× upsampling, then a 3×3 convolution; each 2·height × 2·width. */
	Tensor upsample(String prefix, Tensor x, int batch, int height, int width) {
		try (Tensor up = allocate(4 * x.rows(), x.cols())) {
			// a batch's images stacked are one image as tall as all of them: nearest upsampling keeps them apart
			compute.upsampleNearest2x(x, batch * height, width, up);
			return conv(prefix + ".conv", up, batch, 2 * height, 2 * width, 3, 1, 1);
		}
	}

	/**
	 * diffusers' Attention of {@code batch} runs of rows, each on its own: queries from {@code x}, keys and values from
	 * {@code context} (x itself for self-attention), {@code heads} heads, the output projection {@code to_out.0}.
	 */
	Tensor attention(String prefix, Tensor x, Tensor context, int batch, int heads, boolean causal) {
		try (Tensor q = linear(prefix + ".to_q", x); Tensor k = linear(prefix + ".to_k", context); Tensor v = linear(prefix + ".to_v", context);
				Tensor a = allocate(q.rows(), q.cols())) {
			compute.multiHeadAttention(q, k, v, batch, heads, causal, a);
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
		uploaded.values().forEach(h -> h.tensor().close());
		uploaded.clear();
		merged.clear();
		heldBytes = 0;
	}
}
