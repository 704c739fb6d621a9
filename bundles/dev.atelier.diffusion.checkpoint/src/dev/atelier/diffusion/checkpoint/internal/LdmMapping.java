package dev.atelier.diffusion.checkpoint.internal;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * Maps the original CompVis/ldm (and Stability's sgm, for SDXL) single-file layout to the internal names, which are
 * diffusers' module names under {@code unet.}, {@code vae.}, {@code text_encoder.} and {@code text_encoder_2.}. The
 * UNet's block numbering needs the residual blocks per level, read from where the first downsampler sits.
 */
public final class LdmMapping {

	static final String UNET = "model.diffusion_model.";
	static final String VAE = "first_stage_model.";
	static final String SD1_CLIP = "cond_stage_model.transformer.";
	static final String SD2_OPENCLIP = "cond_stage_model.model.";
	static final String SDXL_CLIP = "conditioner.embedders.0.transformer.";
	static final String SDXL_OPENCLIP = "conditioner.embedders.1.model.";

	private static final Pattern BLOCK = Pattern.compile("(input_blocks|output_blocks)\\.(\\d+)\\.(\\d+)\\.(.*)");
	private static final Pattern RESBLOCK = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.*)");
	private static final Pattern VAE_LEVEL = Pattern.compile("(encoder\\.down|decoder\\.up)\\.(\\d+)\\.(block\\.(\\d+)|downsample|upsample)\\.(.*)");
	private static final List<String[]> RESNET = List.of(new String[] { "in_layers.0.", "norm1." }, new String[] { "in_layers.2.", "conv1." },
			new String[] { "emb_layers.1.", "time_emb_proj." }, new String[] { "out_layers.0.", "norm2." }, new String[] { "out_layers.3.", "conv2." },
			new String[] { "skip_connection.", "conv_shortcut." }, new String[] { "nin_shortcut.", "conv_shortcut." });
	private static final List<String> SCHEDULE_BUFFER_PREFIXES = List.of("model_ema.", "lvlb_weights", "logvar");

	private LdmMapping() {
	}

	/** Whether the file's keys are in this layout (its UNet is). */
	public static boolean applies(Map<String, StoredTensor> tensors) {
		return tensors.containsKey(UNET + "input_blocks.0.0.weight");
	}

	public static Mapped map(Map<String, StoredTensor> tensors) {
		Mapped out = new Mapped();
		int res = unetResBlocks(tensors, UNET);
		int vaeLevels = (int) tensors.keySet().stream().filter(k -> k.matches(Pattern.quote(VAE) + "decoder\\.up\\.\\d+\\.block\\.0\\.conv1\\.weight")).count();
		for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
			String key = e.getKey();
			StoredTensor t = e.getValue();
			if (key.startsWith(UNET)) {
				String name = unet(key.substring(UNET.length()), res);
				add(out, key, name == null ? null : "unet." + name, t);
			} else if (key.startsWith(VAE)) {
				vae(out, key, key.substring(VAE.length()), vaeLevels, t);
			} else if (key.startsWith(SD1_CLIP)) {
				clip(out, "text_encoder.", key, key.substring(SD1_CLIP.length()), t);
			} else if (key.startsWith(SDXL_CLIP)) {
				clip(out, "text_encoder.", key, key.substring(SDXL_CLIP.length()), t);
			} else if (key.startsWith(SD2_OPENCLIP)) {
				openClip(out, "text_encoder.", key, key.substring(SD2_OPENCLIP.length()), t, false);
			} else if (key.startsWith(SDXL_OPENCLIP)) {
				openClip(out, "text_encoder_2.", key, key.substring(SDXL_OPENCLIP.length()), t, true);
			} else if (!key.contains(".") || SCHEDULE_BUFFER_PREFIXES.stream().anyMatch(key::startsWith)) {
				out.ignored.add(key); // alphas_cumprod, betas, v_pred … and EMA copies
			} else {
				out.unused.add(key);
			}
		}
		return out;
	}

	/** Maps a separate VAE file: ldm keys with or without {@code first_stage_model.}, or diffusers' own names. */
	public static Mapped mapVae(Map<String, StoredTensor> tensors) {
		Mapped out = new Mapped();
		boolean prefixed = tensors.keySet().stream().anyMatch(k -> k.startsWith(VAE));
		boolean diffusers = tensors.keySet().stream().anyMatch(k -> k.startsWith("encoder.down_blocks.") || k.startsWith("decoder.up_blocks."));
		String prefix = prefixed ? VAE : "";
		int levels = (int) tensors.keySet().stream().filter(k -> k.matches(Pattern.quote(prefix) + "decoder\\.up\\.\\d+\\.block\\.0\\.conv1\\.weight")).count();
		for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
			String key = e.getKey();
			if (diffusers && (key.startsWith("encoder.") || key.startsWith("decoder.") || key.contains("quant_conv."))) {
				out.put("vae." + key, e.getValue());
			} else if (!diffusers && key.startsWith(prefix) && !key.startsWith(prefix + "loss.") && !key.startsWith("model_ema.")) {
				vae(out, key, key.substring(prefix.length()), levels, e.getValue());
			} else {
				out.ignored.add(key);
			}
		}
		return out;
	}

	/**
	 * The residual blocks per UNet level, its keys under {@code prefix}: input block 0 is conv_in, and the first
	 * downsampler follows that many.
	 */
	static int unetResBlocks(Map<String, StoredTensor> tensors, String prefix) {
		for (int i = 1; tensors.containsKey(prefix + "input_blocks." + i + ".0.in_layers.2.weight") || tensors.containsKey(prefix + "input_blocks." + i + ".0.op.weight"); i++) {
			if (tensors.containsKey(prefix + "input_blocks." + i + ".0.op.weight")) {
				return i - 1;
			}
		}
		// a single level has no downsampler: all its input blocks are res blocks
		int n = 0;
		while (tensors.containsKey(prefix + "input_blocks." + (n + 1) + ".0.in_layers.2.weight")) {
			n++;
		}
		return n;
	}

	/** The diffusers name (under the UNet) of ldm UNet key {@code k}, null for none. */
	static String unet(String k, int res) {
		if (k.startsWith("time_embed.0.")) {
			return "time_embedding.linear_1." + k.substring(13);
		}
		if (k.startsWith("time_embed.2.")) {
			return "time_embedding.linear_2." + k.substring(13);
		}
		if (k.startsWith("label_emb.0.0.")) {
			return "add_embedding.linear_1." + k.substring(14);
		}
		if (k.startsWith("label_emb.0.2.")) {
			return "add_embedding.linear_2." + k.substring(14);
		}
		if (k.startsWith("input_blocks.0.0.")) {
			return "conv_in." + k.substring(17);
		}
		if (k.startsWith("out.0.")) {
			return "conv_norm_out." + k.substring(6);
		}
		if (k.startsWith("out.2.")) {
			return "conv_out." + k.substring(6);
		}
		if (k.startsWith("middle_block.")) {
			int part = k.charAt(13) - '0';
			String rest = k.substring(15);
			return part == 1 ? "mid_block.attentions.0." + rest : "mid_block.resnets." + (part / 2) + "." + resnet(rest);
		}
		Matcher m = BLOCK.matcher(k);
		if (!m.matches()) {
			return null;
		}
		boolean down = m.group(1).equals("input_blocks");
		int i = Integer.parseInt(m.group(2)) - (down ? 1 : 0);
		int part = Integer.parseInt(m.group(3));
		String rest = m.group(4);
		String block = (down ? "down_blocks." : "up_blocks.") + i / (res + 1) + ".";
		int layer = i % (res + 1);
		if (down && rest.startsWith("op.")) {
			return block + "downsamplers.0.conv." + rest.substring(3);
		}
		if (!down && rest.startsWith("conv.")) {
			return block + "upsamplers.0.conv." + rest.substring(5);
		}
		if (part == 0) {
			return block + "resnets." + layer + "." + resnet(rest);
		}
		return part == 1 ? block + "attentions." + layer + "." + rest : null;
	}

	private static String resnet(String rest) {
		for (String[] r : RESNET) {
			if (rest.startsWith(r[0])) {
				return r[1] + rest.substring(r[0].length());
			}
		}
		return rest;
	}

	private static void vae(Mapped out, String key, String k, int levels, StoredTensor t) {
		String name = k;
		Matcher m = VAE_LEVEL.matcher(k);
		if (m.matches()) {
			boolean enc = m.group(1).equals("encoder.down");
			int level = Integer.parseInt(m.group(2));
			String block = enc ? "encoder.down_blocks." + level + "." : "decoder.up_blocks." + (levels - 1 - level) + ".";
			name = block + (m.group(4) != null ? "resnets." + m.group(4) + "." + resnet(m.group(5))
					: (enc ? "downsamplers.0." : "upsamplers.0.") + m.group(5));
		} else if (k.matches("(encoder|decoder)\\.mid\\.block_[12]\\..*")) {
			int dot = k.indexOf('.');
			name = k.substring(0, dot) + ".mid_block.resnets." + (k.charAt(dot + 11) - '1') + "." + resnet(k.substring(dot + 13));
		} else if (k.matches("(encoder|decoder)\\.mid\\.attn_1\\..*")) {
			int dot = k.indexOf('.');
			String rest = k.substring(dot + 12);
			String part = rest.substring(0, rest.indexOf('.'));
			String suffix = rest.substring(part.length());
			String to = switch (part) {
			case "norm" -> "group_norm";
			case "q" -> "to_q";
			case "k" -> "to_k";
			case "v" -> "to_v";
			case "proj_out" -> "to_out.0";
			default -> null;
			};
			if (to == null) {
				out.unused.add(key);
				return;
			}
			name = k.substring(0, dot) + ".mid_block.attentions.0." + to + suffix;
			long[] s = t.shape();
			if (s.length == 4) {
				out.put(new Weight("vae." + name, t, new long[] { s[0], s[1] }, 0, false)); // 1×1 convolution as a linear layer
				return;
			}
		} else if (k.startsWith("encoder.norm_out.") || k.startsWith("decoder.norm_out.")) {
			name = k.replace(".norm_out.", ".conv_norm_out.");
		} else if (!k.matches("(encoder|decoder)\\.conv_(in|out)\\..*|(post_)?quant_conv\\..*")) {
			out.unused.add(key);
			return;
		}
		out.put("vae." + name, t);
	}

	/** transformers' CLIPTextModel layout; SD 1.x files have it with and without {@code text_model.}. */
	private static void clip(Mapped out, String prefix, String key, String k, StoredTensor t) {
		out.textLayouts.put(prefix, "CLIP");
		if (k.endsWith("position_ids") || k.equals("logit_scale") || k.startsWith("text_projection")) {
			out.ignored.add(key);
			return;
		}
		add(out, key, prefix + (k.startsWith("text_model.") ? k : "text_model." + k), t);
	}

	/** open_clip's text transformer: fused q/k/v split, the pooled projection transposed into a linear layer's weight. */
	private static void openClip(Mapped out, String prefix, String key, String k, StoredTensor t, boolean projection) {
		out.textLayouts.put(prefix, "OpenCLIP");
		String tm = prefix + "text_model.";
		switch (k) {
		case "token_embedding.weight" -> out.put(tm + "embeddings.token_embedding.weight", t);
		case "positional_embedding" -> out.put(tm + "embeddings.position_embedding.weight", t);
		case "ln_final.weight", "ln_final.bias" -> out.put(tm + "final_layer_norm." + k.substring(9), t);
		case "text_projection" -> {
			if (projection && t.shape().length == 2) {
				out.put(new Weight(prefix + "text_projection.weight", t, new long[] { t.shape()[1], t.shape()[0] }, 0, true));
			} else {
				out.ignored.add(key); // SD 2.x conditions on the penultimate layer's states, never on the projection
			}
		}
		case "logit_scale", "attn_mask" -> out.ignored.add(key);
		default -> {
			Matcher m = RESBLOCK.matcher(k);
			if (!m.matches()) {
				out.unused.add(key);
				return;
			}
			String layer = tm + "encoder.layers." + m.group(1) + ".";
			String rest = m.group(2);
			if (rest.equals("attn.in_proj_weight") || rest.equals("attn.in_proj_bias")) {
				String kind = rest.endsWith("weight") ? "weight" : "bias";
				long[] s = t.shape();
				if (s.length == 0 || s[0] % 3 != 0) {
					out.unused.add(key); // cannot be split: the expected q/k/v will be reported missing
					return;
				}
				long[] part = s.clone();
				part[0] = s[0] / 3;
				String[] names = { "q_proj", "k_proj", "v_proj" };
				for (int i = 0; i < 3; i++) {
					out.put(new Weight(layer + "self_attn." + names[i] + "." + kind, t, part, i, false));
				}
				return;
			}
			String to = rest.replace("ln_1.", "layer_norm1.").replace("ln_2.", "layer_norm2.").replace("attn.out_proj.", "self_attn.out_proj.")
					.replace("mlp.c_fc.", "mlp.fc1.").replace("mlp.c_proj.", "mlp.fc2.");
			out.put(layer + to, t);
		}
		}
	}

	private static void add(Mapped out, String key, String name, StoredTensor t) {
		if (name == null) {
			out.unused.add(key);
		} else {
			out.put(name, t);
		}
	}
}
