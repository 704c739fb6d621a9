package dev.atelier.diffusion.checkpoint.internal;

import java.util.HashMap;
import java.util.Map;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * kohya's LoRA layer names for a checkpoint's weights: a module path with underscores for dots behind
 * {@code lora_unet_}, {@code lora_te_}/{@code lora_te1_} or {@code lora_te2_}. UNet layers go by diffusers' path and,
 * for a single file, by the ldm (or sgm) path it stores them under, since LoRAs of SD 1.x name diffusers' modules and
 * those of SDXL the file's; the text encoders go by transformers' path, which fused OpenCLIP weights are split into.
 */
public final class LoraMapping {

	private static final String WEIGHT = ".weight";

	private LoraMapping() {
	}

	/** kohya's layer name → the checkpoint's weight; weights stored transposed are not LoRA layers. */
	public static Map<String, String> layers(Checkpoint checkpoint) {
		Map<String, String> layers = new HashMap<>();
		for (Map.Entry<String, Weight> e : checkpoint.weights().entrySet()) {
			String name = e.getKey();
			Weight w = e.getValue();
			if (!name.endsWith(WEIGHT) || w.transposed() || w.shape().length < 2) {
				continue;
			}
			String module = name.substring(0, name.length() - WEIGHT.length());
			if (module.startsWith("unet.")) {
				layers.put("lora_unet_" + underscores(module.substring("unet.".length())), name);
				String key = w.source().key();
				if (key.startsWith(LdmMapping.UNET) && key.endsWith(WEIGHT)) {
					layers.put("lora_unet_" + underscores(key.substring(LdmMapping.UNET.length(), key.length() - WEIGHT.length())), name);
				}
			} else if (module.startsWith("text_encoder_2.")) {
				layers.put("lora_te2_" + underscores(module.substring("text_encoder_2.".length())), name);
			} else if (module.startsWith("text_encoder.")) {
				String path = underscores(module.substring("text_encoder.".length()));
				layers.put("lora_te_" + path, name);
				layers.put("lora_te1_" + path, name);
			}
		}
		return layers;
	}

	private static String underscores(String path) {
		return path.replace('.', '_');
	}
}
