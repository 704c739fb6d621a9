package dev.atelier.testing.checkpoints;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * kohya LoRAs for {@link FormulaWeights#SD1_REFERENCE}: three layers (a UNet linear, a 3×3 convolution and a text-encoder
 * layer; rank 4, alpha 2), Gaussian factors large enough to change an image.
 */
public final class TestLoras {

	private TestLoras() {
	}

	/** The three layers. */
	public static Path sd1(Path file) throws IOException {
		return sd1(file, Map.of(), Map.of());
	}

	/**
	 * @param extra    more tensors (name → shape), e.g. keys that match no layer
	 * @param metadata the header's {@code __metadata__} strings
	 */
	public static Path sd1(Path file, Map<String, long[]> extra, Map<String, String> metadata) throws IOException {
		Map<String, long[]> shapes = new LinkedHashMap<>();
		module(shapes, "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k", new long[] { 4, 128 }, new long[] { 32, 4 });
		module(shapes, "lora_unet_input_blocks_4_0_in_layers_2", new long[] { 4, 32, 3, 3 }, new long[] { 64, 4, 1, 1 });
		module(shapes, "lora_te_text_model_encoder_layers_0_mlp_fc1", new long[] { 4, 128 }, new long[] { 512, 4 });
		shapes.putAll(extra);
		Map<String, Object[]> typed = new LinkedHashMap<>();
		shapes.forEach((k, s) -> typed.put(k, new Object[] { k.endsWith(".alpha") ? "F32" : "F16", s }));
		return new SafetensorsWriter().typed(typed).metadata(metadata).spread(k -> 0.3).seed(7)
				.values((k, s) -> k.endsWith(".alpha") ? new float[] { 2 } : null).write(file);
	}

	private static void module(Map<String, long[]> shapes, String name, long[] down, long[] up) {
		shapes.put(name + ".lora_down.weight", down);
		shapes.put(name + ".lora_up.weight", up);
		shapes.put(name + ".alpha", new long[0]);
	}
}
