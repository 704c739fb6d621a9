package dev.atelier.llm.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.atelier.compute.TensorType;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufTensor;

/**
 * A Llama-architecture model from a GGUF file: its shape from {@code llama.*} metadata, its weights read in place. Qwen2
 * is the same network with biases on the Q, K and V projections and NeoX-order rotary pairs; its metadata is under
 * {@code qwen2.*}.
 */
public final class GgufLlama {

	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private GgufLlama() {
	}

	public record Model(LlamaConfig config, LlamaWeights weights) {
	}

	public static Model load(GgufFile gguf) {
		String arch = gguf.string("general.architecture").orElseThrow(() -> new ModelFormatException(gguf.file(),
				"metadata general.architecture is missing"));
		if (!arch.equals("llama") && !arch.equals("qwen2")) {
			throw new ModelFormatException(gguf.file(), "architecture '" + arch + "' (general.architecture) is not supported (llama and qwen2 are)");
		}
		boolean qwen2 = arch.equals("qwen2");
		String a = arch + ".";
		int dim = integer(gguf, a + "embedding_length");
		int heads = integer(gguf, a + "attention.head_count");
		int vocab = gguf.integer(a + "vocab_size").map(Long::intValue)
				.orElseGet(() -> gguf.strings("tokenizer.ggml.tokens").map(List::size).orElseThrow(() -> new ModelFormatException(gguf.file(),
						"neither " + a + "vocab_size nor tokenizer.ggml.tokens says the vocabulary size")));
		String scaling = gguf.string(a + "rope.scaling.type").orElse("none");
		float scale = switch (scaling) {
		case "none" -> 1f;
		case "linear" -> (float) (1 / gguf.real(a + "rope.scaling.factor").orElse(1.0));
		default -> throw new ModelFormatException(gguf.file(), "rope scaling '" + scaling + "' is not supported (none and linear are)");
		};
		float[] factors = gguf.tensors().containsKey("rope_freqs.weight") ? vector(gguf, "rope_freqs.weight", dim / heads / 2) : null;
		LlamaConfig config;
		try {
			config = new LlamaConfig(dim, integer(gguf, a + "feed_forward_length"), integer(gguf, a + "block_count"), heads,
					gguf.integer(a + "attention.head_count_kv").map(Long::intValue).orElse(heads), vocab, integer(gguf, a + "context_length"),
					gguf.real(a + "attention.layer_norm_rms_epsilon").orElse(1e-5).floatValue(),
					gguf.real(a + "rope.freq_base").orElse(10_000.0).floatValue(), scale, factors, qwen2);
		} catch (IllegalArgumentException e) {
			throw new ModelFormatException(gguf.file(), e.getMessage());
		}
		int kvDim = config.kvDim();
		int hidden = config.hiddenDim();
		LlamaWeights.Matrix embedding = weights(gguf, "token_embd.weight", vocab, dim);
		LlamaWeights.Matrix output = gguf.tensors().containsKey("output.weight") ? weights(gguf, "output.weight", vocab, dim) : embedding;
		List<LlamaWeights.Layer> layers = new ArrayList<>();
		for (int l = 0; l < config.layers(); l++) {
			String p = "blk." + l + ".";
			layers.add(new LlamaWeights.Layer(vector(gguf, p + "attn_norm.weight", dim), weights(gguf, p + "attn_q.weight", dim, dim),
					weights(gguf, p + "attn_k.weight", kvDim, dim), weights(gguf, p + "attn_v.weight", kvDim, dim),
					weights(gguf, p + "attn_output.weight", dim, dim), vector(gguf, p + "ffn_norm.weight", dim),
					weights(gguf, p + "ffn_gate.weight", hidden, dim), weights(gguf, p + "ffn_down.weight", dim, hidden),
					weights(gguf, p + "ffn_up.weight", hidden, dim), qwen2 ? vector(gguf, p + "attn_q.bias", dim) : null,
					qwen2 ? vector(gguf, p + "attn_k.bias", kvDim) : null, qwen2 ? vector(gguf, p + "attn_v.bias", kvDim) : null));
		}
		return new Model(config, new LlamaWeights(embedding, layers, vector(gguf, "output_norm.weight", dim), output));
	}

	private static int integer(GgufFile gguf, String key) {
		long v = gguf.integer(key).orElseThrow(() -> new ModelFormatException(gguf.file(), "metadata " + key + " is missing"));
		if (v <= 0 || v > Integer.MAX_VALUE) {
			throw new ModelFormatException(gguf.file(), "metadata " + key + " is " + v);
		}
		return (int) v;
	}

	private static GgufTensor tensor(GgufFile gguf, String name, int rows, int cols) {
		GgufTensor t = gguf.tensors().get(name);
		if (t == null) {
			throw new ModelFormatException(gguf.file(), "tensor " + name + " is missing");
		}
		if (t.shape().length > 2 || t.columns() != cols || t.rows() != rows) {
			throw new ModelFormatException(gguf.file(), "tensor " + name + " has shape " + java.util.Arrays.toString(t.shape()) + "; the metadata says ["
					+ cols + ", " + rows + "]");
		}
		return t;
	}

	/** The tensor types the engine reads: every weight type of the compute runtime. */
	private static final List<TensorType> READ = java.util.Arrays.stream(TensorType.values()).filter(t -> t != TensorType.I32).toList();

	private static LlamaWeights.Matrix weights(GgufFile gguf, String name, int rows, int cols) {
		GgufTensor t = tensor(gguf, name, rows, cols);
		TensorType type = READ.stream().filter(r -> r.name().equals(t.type().name())).findFirst()
				.orElseThrow(() -> new ModelFormatException(gguf.file(), "tensor " + name + ": " + t.type() + " is not a type the engine reads ("
						+ String.join(", ", READ.stream().map(TensorType::name).toList()) + " are)"));
		long bytes = rows * type.rowBytes(cols);
		if (t.data().byteSize() != bytes) {
			throw new ModelFormatException(gguf.file(), "tensor " + name + ": a " + type + " matrix of " + rows + " × " + cols + " takes " + bytes
					+ " bytes, not " + t.data().byteSize() + " (a damaged block table)");
		}
		checkScales(gguf, name, type, t.data());
		return new LlamaWeights.Matrix(type, rows, cols, t.data());
	}

	/**
	 * A K-quant's super-blocks each start (Q4_K, Q5_K: d and dmin at 0 and 2) or end (Q6_K: d at 208) with F16 scales; a
	 * non-finite one is a damaged block table, which would turn every value of its 256 into NaN or infinity.
	 */
	private static void checkScales(GgufFile gguf, String name, TensorType type, MemorySegment data) {
		int[] offsets = switch (type) {
		case Q4_K, Q5_K -> new int[] { 0, 2 };
		case Q6_K -> new int[] { 208 };
		default -> new int[0];
		};
		long blocks = data.byteSize() / type.blockBytes();
		for (long b = 0; b < blocks; b++) {
			for (int offset : offsets) {
				float scale = Float.float16ToFloat(data.get(SHORT, b * type.blockBytes() + offset));
				if (!Float.isFinite(scale)) {
					throw new ModelFormatException(gguf.file(), "tensor " + name + ": super-block " + b + " has a non-finite " + (offset == 2 ? "dmin" : "d")
							+ " (" + scale + "): a damaged block table");
				}
			}
		}
	}

	private static float[] vector(GgufFile gguf, String name, int length) {
		GgufTensor t = tensor(gguf, name, 1, length);
		if (t.type() != GgmlType.F32) {
			throw new ModelFormatException(gguf.file(), "tensor " + name + " is " + t.type() + "; norm weights and biases are F32");
		}
		return t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
	}
}
