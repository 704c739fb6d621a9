package dev.atelier.testing.checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * kohya LoRAs for {@link FormulaWeights#SD1_REFERENCE}: three layers (a UNet linear, a 3×3 convolution and a text-encoder
 * layer; rank 4, alpha 2), Gaussian factors large enough to change an image; and the LoRA of a torch reference's
 * {@code lora.json}.
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

	/**
	 * The kohya LoRA that make_engine_reference.py's {@code lora.json} describes (its modules' keys, factor shapes and
	 * alphas) with {@link FormulaWeights#values} as its factors, which the script computes bit for bit: factors as
	 * {@code dtype}, alphas F32, and {@code extra} tensors (name → shape) added as F32.
	 */
	public static Path fromReference(Path loraJson, String dtype, Path file, Map<String, long[]> extra) throws IOException {
		Map<String, Object[]> typed = new LinkedHashMap<>();
		Map<String, Float> alphas = new LinkedHashMap<>();
		for (JsonElement e : JsonParser.parseString(Files.readString(loraJson)).getAsJsonObject().getAsJsonArray("modules")) {
			JsonObject m = e.getAsJsonObject();
			String module = m.get("module").getAsString();
			typed.put(module + ".lora_down.weight", new Object[] { dtype, shape(m.get("down")) });
			typed.put(module + ".lora_up.weight", new Object[] { dtype, shape(m.get("up")) });
			if (!m.get("alpha").isJsonNull()) {
				typed.put(module + ".alpha", new Object[] { "F32", new long[0] });
				alphas.put(module + ".alpha", m.get("alpha").getAsFloat());
			}
		}
		extra.forEach((k, s) -> typed.put(k, new Object[] { "F32", s }));
		return new SafetensorsWriter().typed(typed).values((k, s) -> alphas.containsKey(k) ? new float[] { alphas.get(k) } : FormulaWeights.values(k, s))
				.write(file);
	}

	private static long[] shape(JsonElement e) {
		return e.getAsJsonArray().asList().stream().mapToLong(JsonElement::getAsLong).toArray();
	}

	private static void module(Map<String, long[]> shapes, String name, long[] down, long[] up) {
		shapes.put(name + ".lora_down.weight", down);
		shapes.put(name + ".lora_up.weight", up);
		shapes.put(name + ".alpha", new long[0]);
	}
}
