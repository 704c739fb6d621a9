package dev.atelier.diffusion.checkpoint.internal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.atelier.diffusion.checkpoint.StoredTensor;

/**
 * Maps a ControlNet file to the internal names: the UNet half under the UNet's ({@code unet.conv_in}, {@code unet.down_blocks…},
 * {@code unet.mid_block…}, {@code unet.time_embedding…}), and diffusers' ControlNetModel names for its own parts
 * ({@code controlnet_cond_embedding.…}, {@code controlnet_down_blocks.N}, {@code controlnet_mid_block}). Two layouts:
 * ControlNet-v1.1's ldm one ({@code input_blocks}, {@code middle_block}, {@code time_embed}, {@code input_hint_block.2n},
 * {@code zero_convs.N.0}, {@code middle_block_out.0}, with or without {@code control_model.}) and diffusers' own.
 */
public final class ControlNetMapping {

	public static final String LDM = "ControlNet-v1.1 (ldm)";
	public static final String DIFFUSERS = "diffusers";

	private static final String CONTROL = "control_model.";
	private static final String HINT = "input_hint_block.0.weight";
	private static final String DIFFUSERS_HINT = "controlnet_cond_embedding.conv_in.weight";
	private static final Pattern HINT_CONV = Pattern.compile("input_hint_block\\.(\\d+)\\.(weight|bias)");
	private static final Pattern ZERO_CONV = Pattern.compile("zero_convs\\.(\\d+)\\.0\\.(weight|bias)");

	private ControlNetMapping() {
	}

	/** The file's layout, or null where it is no ControlNet of either. */
	public static String layout(Map<String, StoredTensor> tensors) {
		if (tensors.containsKey(CONTROL + HINT) || tensors.containsKey(HINT)) {
			return LDM;
		}
		return tensors.containsKey(DIFFUSERS_HINT) ? DIFFUSERS : null;
	}

	static boolean applies(Map<String, StoredTensor> tensors) {
		return layout(tensors) != null;
	}

	public static Mapped map(Map<String, StoredTensor> tensors) {
		return LDM.equals(layout(tensors)) ? ldm(tensors) : diffusers(tensors);
	}

	private static Mapped diffusers(Map<String, StoredTensor> tensors) {
		Mapped out = new Mapped();
		for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
			String k = e.getKey();
			if (k.startsWith("controlnet_")) {
				out.put(k, e.getValue());
			} else if (k.startsWith("conv_in.") || k.startsWith("time_embedding.") || k.startsWith("down_blocks.") || k.startsWith("mid_block.")) {
				out.put("unet." + k, e.getValue());
			} else {
				out.unused.add(k);
			}
		}
		return out;
	}

	private static Mapped ldm(Map<String, StoredTensor> tensors) {
		String prefix = tensors.containsKey(CONTROL + HINT) ? CONTROL : "";
		int res = LdmMapping.unetResBlocks(tensors, prefix);
		int last = 0;
		for (String k : tensors.keySet()) {
			Matcher m = HINT_CONV.matcher(k.startsWith(prefix) ? k.substring(prefix.length()) : k);
			if (m.matches()) {
				last = Math.max(last, Integer.parseInt(m.group(1)));
			}
		}
		Mapped out = new Mapped();
		for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
			String key = e.getKey();
			if (!key.startsWith(prefix)) {
				out.unused.add(key); // ControlNet 1.0's files carry a whole SD model beside it
				continue;
			}
			String k = key.substring(prefix.length());
			String name = null;
			Matcher hint = HINT_CONV.matcher(k);
			Matcher zero = ZERO_CONV.matcher(k);
			if (hint.matches()) {
				int i = Integer.parseInt(hint.group(1));
				String conv = i == 0 ? "conv_in" : i == last ? "conv_out" : i % 2 == 0 ? "blocks." + (i / 2 - 1) : null;
				name = conv == null ? null : "controlnet_cond_embedding." + conv + "." + hint.group(2);
			} else if (zero.matches()) {
				name = "controlnet_down_blocks." + zero.group(1) + "." + zero.group(2);
			} else if (k.startsWith("middle_block_out.0.")) {
				name = "controlnet_mid_block." + k.substring(19);
			} else if (k.startsWith("input_blocks.") || k.startsWith("middle_block.") || k.startsWith("time_embed.")) {
				String unet = LdmMapping.unet(k, res);
				name = unet == null ? null : "unet." + unet;
			}
			if (name == null) {
				out.unused.add(key);
			} else {
				out.put(name, e.getValue());
			}
		}
		return out;
	}
}
