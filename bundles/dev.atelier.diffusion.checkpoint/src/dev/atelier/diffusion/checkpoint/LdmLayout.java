package dev.atelier.diffusion.checkpoint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys and shapes of a Stable Diffusion single-file checkpoint in the original CompVis/ldm layout (SDXL: Stability's
 * sgm layout), written from ldm's module tree (openaimodel.UNetModel, the autoencoder's Encoder/Decoder, CLIP and
 * open_clip text transformers) for any sizes, so tests make reduced checkpoints of the real architectures and the
 * key lists of the real configurations, and the Welcome page's tiny sample is a real SD 1.x file. Written from the
 * module tree, not from the reader's key mapping (LdmMapping), so that tests of the reader stay independent of it.
 */
public final class LdmLayout {

	public enum Kind {
		SD1, SD2, SDXL
	}

	/**
	 * Sizes of one checkpoint. Text encoders: widths and layers of the first (and, for SDXL, second) encoder; the SDXL
	 * second encoder's projection is as wide as it; adm is the pooled width plus six 256-wide size/crop embeddings.
	 */
	public record Spec(Kind kind, int inChannels, int modelChannels, int[] mult, int resBlocks, int[] depth, int midDepth, int[] textWidths,
			int[] textLayers, int vocab, int positions, int vaeBase, int[] vaeMult, int vaeResBlocks, int latentChannels, boolean textModelPrefix) {

		public int context() {
			return kind == Kind.SDXL ? textWidths[0] + textWidths[1] : textWidths[0];
		}

		public int adm() {
			return kind == Kind.SDXL ? textWidths[1] + 6 * 256 : 0;
		}

		public Spec withInChannels(int channels) {
			return new Spec(kind, channels, modelChannels, mult, resBlocks, depth, midDepth, textWidths, textLayers, vocab, positions, vaeBase, vaeMult, vaeResBlocks,
					latentChannels, textModelPrefix);
		}

		public Spec withoutTextModelPrefix() {
			return new Spec(kind, inChannels, modelChannels, mult, resBlocks, depth, midDepth, textWidths, textLayers, vocab, positions, vaeBase, vaeMult,
					vaeResBlocks, latentChannels, false);
		}
	}

	/** runwayml/stable-diffusion-v1-5 (v1-inference.yaml). */
	public static final Spec SD15 = new Spec(Kind.SD1, 4, 320, new int[] { 1, 2, 4, 4 }, 2, new int[] { 1, 1, 1, 0 }, 1, new int[] { 768 },
			new int[] { 12 }, 49408, 77, 128, new int[] { 1, 2, 4, 4 }, 2, 4, true);
	/** stabilityai/stable-diffusion-xl-base-1.0 (sd_xl_base.yaml). */
	public static final Spec SDXL_BASE = new Spec(Kind.SDXL, 4, 320, new int[] { 1, 2, 4 }, 2, new int[] { 0, 2, 10 }, 10, new int[] { 768, 1280 },
			new int[] { 12, 32 }, 49408, 77, 128, new int[] { 1, 2, 4, 4 }, 2, 4, true);
	/** Reduced SD 1.x: 64 model channels, 2 levels, 1 text layer; widths that 8 heads and 64-wide text heads divide. */
	public static final Spec TINY_SD1 = new Spec(Kind.SD1, 4, 64, new int[] { 1, 2 }, 1, new int[] { 1, 1 }, 1, new int[] { 64 }, new int[] { 2 }, 100, 8, 32,
			new int[] { 1, 2 }, 1, 4, true);
	public static final Spec TINY_SD2 = new Spec(Kind.SD2, 4, 64, new int[] { 1, 2 }, 1, new int[] { 1, 1 }, 1, new int[] { 128 }, new int[] { 2 }, 100, 8, 32,
			new int[] { 1, 2 }, 1, 4, true);
	public static final Spec TINY_SDXL = new Spec(Kind.SDXL, 4, 64, new int[] { 1, 2 }, 1, new int[] { 0, 2 }, 2, new int[] { 64, 128 }, new int[] { 1, 2 },
			100, 8, 32, new int[] { 1, 2 }, 1, 4, true);

	private final Map<String, long[]> shapes = new LinkedHashMap<>();

	private LdmLayout() {
	}

	/** Every weight of the checkpoint (no extra buffers), in ldm's order. */
	public static Map<String, long[]> weights(Spec s) {
		LdmLayout l = new LdmLayout();
		l.unet(s);
		l.vae(s);
		switch (s.kind()) {
		case SD1 -> l.clip(s.textModelPrefix() ? "cond_stage_model.transformer.text_model." : "cond_stage_model.transformer.", s, 0);
		case SD2 -> l.openClip("cond_stage_model.model.", s, 0);
		case SDXL -> {
			l.clip("conditioner.embedders.0.transformer.text_model.", s, 0);
			l.openClip("conditioner.embedders.1.model.", s, 1);
		}
		}
		return l.shapes;
	}

	/**
	 * A ControlNet for {@code s}'s UNet in ControlNet-v1.1's layout: the UNet's time embedding, input blocks and middle
	 * block under {@code control_model.}, the hint block's convolutions ({@code input_hint_block.2n}: 3 → hint[0], per
	 * further width one at the same width and one to the next, then to the model channels), a 1×1 zero convolution per
	 * input block and {@code middle_block_out.0}.
	 */
	public static Map<String, long[]> controlNet(Spec s, int[] hint) {
		LdmLayout l = new LdmLayout();
		l.unet(s);
		String unet = "model.diffusion_model.";
		Map<String, long[]> out = new LinkedHashMap<>();
		l.shapes.forEach((k, v) -> {
			String rest = k.substring(unet.length());
			if (!rest.startsWith("output_blocks.") && !rest.startsWith("out.")) {
				out.put("control_model." + rest, v);
			}
		});
		LdmLayout c = new LdmLayout();
		int n = 0;
		c.conv("control_model.input_hint_block." + 2 * n++, hint[0], 3, 3);
		for (int i = 0; i + 1 < hint.length; i++) {
			c.conv("control_model.input_hint_block." + 2 * n++, hint[i], hint[i], 3);
			c.conv("control_model.input_hint_block." + 2 * n++, hint[i + 1], hint[i], 3);
		}
		c.conv("control_model.input_hint_block." + 2 * n, s.modelChannels(), hint[hint.length - 1], 3);
		for (int b = 0; out.containsKey("control_model.input_blocks." + b + ".0.weight") || out.containsKey("control_model.input_blocks." + b + ".0.op.weight")
				|| out.containsKey("control_model.input_blocks." + b + ".0.in_layers.2.weight"); b++) {
			long[] w = out.getOrDefault("control_model.input_blocks." + b + ".0.weight",
					out.getOrDefault("control_model.input_blocks." + b + ".0.op.weight", out.get("control_model.input_blocks." + b + ".0.out_layers.3.weight")));
			c.conv("control_model.zero_convs." + b + ".0", (int) w[0], (int) w[0], 1);
		}
		long mid = out.get("control_model.middle_block.2.out_layers.3.weight")[0];
		c.conv("control_model.middle_block_out.0", (int) mid, (int) mid, 1);
		out.putAll(c.shapes);
		return out;
	}

	/** Buffers real checkpoints carry beside the weights, with their safetensors types: schedule tables, EMA counters, position ids. */
	public static Map<String, Object[]> extras(Spec s) {
		Map<String, Object[]> out = new LinkedHashMap<>();
		for (String table : new String[] { "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "posterior_variance" }) {
			out.put(table, new Object[] { "F32", new long[] { 1000 } });
		}
		out.put("model_ema.decay", new Object[] { "F32", new long[] {} });
		out.put("model_ema.num_updates", new Object[] { "I32", new long[] {} });
		String ids = switch (s.kind()) {
		case SD1 -> s.textModelPrefix() ? "cond_stage_model.transformer.text_model.embeddings.position_ids" : "cond_stage_model.transformer.embeddings.position_ids";
		case SD2 -> null;
		case SDXL -> "conditioner.embedders.0.transformer.text_model.embeddings.position_ids";
		};
		if (ids != null) {
			out.put(ids, new Object[] { "I64", new long[] { 1, s.positions() } });
		}
		return out;
	}

	private void unet(Spec s) {
		String p = "model.diffusion_model.";
		int mc = s.modelChannels();
		int temb = 4 * mc;
		linear(p + "time_embed.0", temb, mc);
		linear(p + "time_embed.2", temb, temb);
		if (s.adm() > 0) {
			linear(p + "label_emb.0.0", temb, s.adm());
			linear(p + "label_emb.0.2", temb, temb);
		}
		conv(p + "input_blocks.0.0", mc, s.inChannels(), 3);
		Deque<Integer> chans = new ArrayDeque<>();
		chans.push(mc);
		int ch = mc;
		int block = 1;
		int levels = s.mult().length;
		for (int i = 0; i < levels; i++) {
			for (int j = 0; j < s.resBlocks(); j++) {
				int out = mc * s.mult()[i];
				res(p + "input_blocks." + block + ".0", ch, out, temb);
				if (s.depth()[i] > 0) {
					transformer(p + "input_blocks." + block + ".1", out, s.depth()[i], s);
				}
				ch = out;
				chans.push(ch);
				block++;
			}
			if (i < levels - 1) {
				conv(p + "input_blocks." + block + ".0.op", ch, ch, 3);
				chans.push(ch);
				block++;
			}
		}
		res(p + "middle_block.0", ch, ch, temb);
		transformer(p + "middle_block.1", ch, s.midDepth(), s);
		res(p + "middle_block.2", ch, ch, temb);
		block = 0;
		for (int i = levels - 1; i >= 0; i--) {
			for (int j = 0; j <= s.resBlocks(); j++) {
				int out = mc * s.mult()[i];
				res(p + "output_blocks." + block + ".0", ch + chans.pop(), out, temb);
				int part = 1;
				if (s.depth()[i] > 0) {
					transformer(p + "output_blocks." + block + ".1", out, s.depth()[i], s);
					part = 2;
				}
				ch = out;
				if (i > 0 && j == s.resBlocks()) {
					conv(p + "output_blocks." + block + "." + part + ".conv", ch, ch, 3);
				}
				block++;
			}
		}
		norm(p + "out.0", mc);
		conv(p + "out.2", 4, mc, 3);
	}

	private void res(String p, int in, int out, int temb) {
		norm(p + ".in_layers.0", in);
		conv(p + ".in_layers.2", out, in, 3);
		linear(p + ".emb_layers.1", out, temb);
		norm(p + ".out_layers.0", out);
		conv(p + ".out_layers.3", out, out, 3);
		if (in != out) {
			conv(p + ".skip_connection", out, in, 1);
		}
	}

	private void transformer(String p, int ch, int depth, Spec s) {
		boolean linear = s.kind() != Kind.SD1;
		norm(p + ".norm", ch);
		projection(p + ".proj_in", ch, linear);
		for (int k = 0; k < depth; k++) {
			String b = p + ".transformer_blocks." + k + ".";
			for (String attn : new String[] { "attn1", "attn2" }) {
				int kv = attn.equals("attn1") ? ch : s.context();
				shapes.put(b + attn + ".to_q.weight", new long[] { ch, ch });
				shapes.put(b + attn + ".to_k.weight", new long[] { ch, kv });
				shapes.put(b + attn + ".to_v.weight", new long[] { ch, kv });
				linear(b + attn + ".to_out.0", ch, ch);
			}
			linear(b + "ff.net.0.proj", 8 * ch, ch);
			linear(b + "ff.net.2", ch, 4 * ch);
			for (int n = 1; n <= 3; n++) {
				norm(b + "norm" + n, ch);
			}
		}
		projection(p + ".proj_out", ch, linear);
	}

	private void projection(String p, int ch, boolean linear) {
		if (linear) {
			linear(p, ch, ch);
		} else {
			conv(p, ch, ch, 1);
		}
	}

	private void vae(Spec s) {
		String p = "first_stage_model.";
		int c0 = s.vaeBase();
		int[] mult = s.vaeMult();
		int z = s.latentChannels();
		int ch = c0;
		conv(p + "encoder.conv_in", c0, 3, 3);
		for (int i = 0; i < mult.length; i++) {
			for (int j = 0; j < s.vaeResBlocks(); j++) {
				vaeRes(p + "encoder.down." + i + ".block." + j, ch, c0 * mult[i]);
				ch = c0 * mult[i];
			}
			if (i < mult.length - 1) {
				conv(p + "encoder.down." + i + ".downsample.conv", ch, ch, 3);
			}
		}
		vaeMid(p + "encoder.mid", ch);
		norm(p + "encoder.norm_out", ch);
		conv(p + "encoder.conv_out", 2 * z, ch, 3);
		conv(p + "quant_conv", 2 * z, 2 * z, 1);
		conv(p + "post_quant_conv", z, z, 1);
		conv(p + "decoder.conv_in", ch, z, 3);
		vaeMid(p + "decoder.mid", ch);
		for (int i = mult.length - 1; i >= 0; i--) {
			for (int j = 0; j <= s.vaeResBlocks(); j++) {
				vaeRes(p + "decoder.up." + i + ".block." + j, ch, c0 * mult[i]);
				ch = c0 * mult[i];
			}
			if (i > 0) {
				conv(p + "decoder.up." + i + ".upsample.conv", ch, ch, 3);
			}
		}
		norm(p + "decoder.norm_out", ch);
		conv(p + "decoder.conv_out", 3, ch, 3);
	}

	private void vaeRes(String p, int in, int out) {
		norm(p + ".norm1", in);
		conv(p + ".conv1", out, in, 3);
		norm(p + ".norm2", out);
		conv(p + ".conv2", out, out, 3);
		if (in != out) {
			conv(p + ".nin_shortcut", out, in, 1);
		}
	}

	private void vaeMid(String p, int ch) {
		vaeRes(p + ".block_1", ch, ch);
		norm(p + ".attn_1.norm", ch);
		for (String q : new String[] { "q", "k", "v", "proj_out" }) {
			conv(p + ".attn_1." + q, ch, ch, 1);
		}
		vaeRes(p + ".block_2", ch, ch);
	}

	private void clip(String p, Spec s, int which) {
		int d = s.textWidths()[which];
		shapes.put(p + "embeddings.token_embedding.weight", new long[] { s.vocab(), d });
		shapes.put(p + "embeddings.position_embedding.weight", new long[] { s.positions(), d });
		for (int l = 0; l < s.textLayers()[which]; l++) {
			String layer = p + "encoder.layers." + l + ".";
			for (String proj : new String[] { "k_proj", "v_proj", "q_proj", "out_proj" }) {
				linear(layer + "self_attn." + proj, d, d);
			}
			norm(layer + "layer_norm1", d);
			linear(layer + "mlp.fc1", 4 * d, d);
			linear(layer + "mlp.fc2", d, 4 * d);
			norm(layer + "layer_norm2", d);
		}
		norm(p + "final_layer_norm", d);
	}

	private void openClip(String p, Spec s, int which) {
		int d = s.textWidths()[which];
		shapes.put(p + "positional_embedding", new long[] { s.positions(), d });
		shapes.put(p + "text_projection", new long[] { d, d });
		shapes.put(p + "token_embedding.weight", new long[] { s.vocab(), d });
		shapes.put(p + "logit_scale", new long[] {});
		for (int l = 0; l < s.textLayers()[which]; l++) {
			String r = p + "transformer.resblocks." + l + ".";
			shapes.put(r + "attn.in_proj_weight", new long[] { 3L * d, d });
			shapes.put(r + "attn.in_proj_bias", new long[] { 3L * d });
			linear(r + "attn.out_proj", d, d);
			norm(r + "ln_1", d);
			norm(r + "ln_2", d);
			linear(r + "mlp.c_fc", 4 * d, d);
			linear(r + "mlp.c_proj", d, 4 * d);
		}
		norm(p + "ln_final", d);
	}

	private void conv(String p, int out, int in, int k) {
		shapes.put(p + ".weight", new long[] { out, in, k, k });
		shapes.put(p + ".bias", new long[] { out });
	}

	private void linear(String p, int out, int in) {
		shapes.put(p + ".weight", new long[] { out, in });
		shapes.put(p + ".bias", new long[] { out });
	}

	private void norm(String p, int ch) {
		shapes.put(p + ".weight", new long[] { ch });
		shapes.put(p + ".bias", new long[] { ch });
	}
}
