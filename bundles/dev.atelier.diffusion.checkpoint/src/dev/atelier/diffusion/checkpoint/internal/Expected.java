package dev.atelier.diffusion.checkpoint.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.checkpoint.UNetConfig;
import dev.atelier.diffusion.checkpoint.VaeConfig;

/**
 * Every weight a configuration needs, with its shape, under the internal names: diffusers' UNet2DConditionModel,
 * AutoencoderKL and CLIPTextModel(WithProjection) module trees. A checkpoint is complete when it has exactly these
 * shapes for these names.
 */
public final class Expected {

	private final Map<String, long[]> shapes = new LinkedHashMap<>();

	private Expected() {
	}

	public static Map<String, long[]> unet(UNetConfig c) {
		Expected e = new Expected();
		String p = "unet.";
		int mc = c.modelChannels();
		int temb = c.timeEmbedDim();
		int[] depth = c.transformerDepth();
		Deque<Integer> skips = e.encoder(c);
		int ch = skips.peek();
		for (int u = 0; u < c.levels(); u++) {
			int i = c.levels() - 1 - u;
			String b = p + "up_blocks." + u + ".";
			int out = c.channels(i);
			for (int j = 0; j <= c.resBlocks(); j++) {
				e.resnet(b + "resnets." + j, ch + skips.pop(), out, temb);
				if (depth[i] > 0) {
					e.transformer(b + "attentions." + j, out, depth[i], c);
				}
				ch = out;
			}
			if (u < c.levels() - 1) {
				e.conv(b + "upsamplers.0.conv", ch, ch, 3);
			}
		}
		e.norm(p + "conv_norm_out", mc);
		e.conv(p + "conv_out", c.outChannels(), mc, 3);
		return e.shapes;
	}

	/**
	 * A ControlNet's weights (diffusers' ControlNetModel): the UNet's encoder half, the hint embedding (a convolution to
	 * {@code hint[0]} channels, per further width one at the same width and one strided to it, a convolution to the
	 * model channels) and a 1×1 zero convolution per skip connection and for the middle block.
	 */
	public static Map<String, long[]> controlNet(UNetConfig c, int[] hint) {
		Expected e = new Expected();
		Deque<Integer> skips = e.encoder(c);
		String h = "controlnet_cond_embedding.";
		e.conv(h + "conv_in", hint[0], 3, 3);
		for (int i = 0; i + 1 < hint.length; i++) {
			e.conv(h + "blocks." + 2 * i, hint[i], hint[i], 3);
			e.conv(h + "blocks." + (2 * i + 1), hint[i + 1], hint[i], 3);
		}
		e.conv(h + "conv_out", c.modelChannels(), hint[hint.length - 1], 3);
		e.conv("controlnet_mid_block", skips.peek(), skips.peek(), 1);
		int n = 0;
		for (Iterator<Integer> it = skips.descendingIterator(); it.hasNext(); n++) {
			int ch = it.next();
			e.conv("controlnet_down_blocks." + n, ch, ch, 1);
		}
		return e.shapes;
	}

	/** conv_in, the time embedding(s), the down blocks and the middle block; the skip connections' channels, last on top. */
	private Deque<Integer> encoder(UNetConfig c) {
		String p = "unet.";
		int mc = c.modelChannels();
		int temb = c.timeEmbedDim();
		conv(p + "conv_in", mc, c.inChannels(), 3);
		linear(p + "time_embedding.linear_1", temb, mc);
		linear(p + "time_embedding.linear_2", temb, temb);
		if (c.admInChannels() > 0) {
			linear(p + "add_embedding.linear_1", temb, c.admInChannels());
			linear(p + "add_embedding.linear_2", temb, temb);
		}
		Deque<Integer> skips = new ArrayDeque<>();
		skips.push(mc);
		int ch = mc;
		int[] depth = c.transformerDepth();
		for (int i = 0; i < c.levels(); i++) {
			String b = p + "down_blocks." + i + ".";
			int out = c.channels(i);
			for (int j = 0; j < c.resBlocks(); j++) {
				resnet(b + "resnets." + j, ch, out, temb);
				if (depth[i] > 0) {
					transformer(b + "attentions." + j, out, depth[i], c);
				}
				ch = out;
				skips.push(ch);
			}
			if (i < c.levels() - 1) {
				conv(b + "downsamplers.0.conv", ch, ch, 3);
				skips.push(ch);
			}
		}
		resnet(p + "mid_block.resnets.0", ch, ch, temb);
		if (c.midDepth() > 0) {
			transformer(p + "mid_block.attentions.0", ch, c.midDepth(), c);
		}
		resnet(p + "mid_block.resnets.1", ch, ch, temb);
		return skips;
	}

	public static Map<String, long[]> vae(VaeConfig c, int imageChannels) {
		Expected e = new Expected();
		int[] mult = c.channelMult();
		int levels = mult.length;
		int z = c.latentChannels();
		int ch = c.baseChannels();
		e.conv("vae.encoder.conv_in", ch, imageChannels, 3);
		for (int i = 0; i < levels; i++) {
			int out = c.baseChannels() * mult[i];
			for (int j = 0; j < c.resBlocks(); j++) {
				e.resnet("vae.encoder.down_blocks." + i + ".resnets." + j, ch, out, 0);
				ch = out;
			}
			if (i < levels - 1) {
				e.conv("vae.encoder.down_blocks." + i + ".downsamplers.0.conv", ch, ch, 3);
			}
		}
		e.vaeMid("vae.encoder.mid_block", ch);
		e.norm("vae.encoder.conv_norm_out", ch);
		e.conv("vae.encoder.conv_out", 2 * z, ch, 3);
		e.conv("vae.quant_conv", 2 * z, 2 * z, 1);
		e.conv("vae.post_quant_conv", z, z, 1);
		e.conv("vae.decoder.conv_in", ch, z, 3);
		e.vaeMid("vae.decoder.mid_block", ch);
		for (int u = 0; u < levels; u++) {
			int out = c.baseChannels() * mult[levels - 1 - u];
			for (int j = 0; j <= c.resBlocks(); j++) {
				e.resnet("vae.decoder.up_blocks." + u + ".resnets." + j, ch, out, 0);
				ch = out;
			}
			if (u < levels - 1) {
				e.conv("vae.decoder.up_blocks." + u + ".upsamplers.0.conv", ch, ch, 3);
			}
		}
		e.norm("vae.decoder.conv_norm_out", ch);
		e.conv("vae.decoder.conv_out", imageChannels, ch, 3);
		return e.shapes;
	}

	public static Map<String, long[]> textEncoder(String prefix, TextEncoderConfig c) {
		Expected e = new Expected();
		String t = prefix + "text_model.";
		int d = c.width();
		e.shapes.put(t + "embeddings.token_embedding.weight", new long[] { c.vocab(), d });
		e.shapes.put(t + "embeddings.position_embedding.weight", new long[] { c.positions(), d });
		for (int l = 0; l < c.layers(); l++) {
			String layer = t + "encoder.layers." + l + ".";
			for (String proj : new String[] { "q_proj", "k_proj", "v_proj", "out_proj" }) {
				e.linear(layer + "self_attn." + proj, d, d);
			}
			e.norm(layer + "layer_norm1", d);
			e.norm(layer + "layer_norm2", d);
			e.linear(layer + "mlp.fc1", c.intermediate(), d);
			e.linear(layer + "mlp.fc2", d, c.intermediate());
		}
		e.norm(t + "final_layer_norm", d);
		if (c.projectionDim() > 0) {
			e.shapes.put(prefix + "text_projection.weight", new long[] { c.projectionDim(), d });
		}
		return e.shapes;
	}

	private void vaeMid(String p, int ch) {
		resnet(p + ".resnets.0", ch, ch, 0);
		norm(p + ".attentions.0.group_norm", ch);
		for (String proj : new String[] { "to_q", "to_k", "to_v", "to_out.0" }) {
			linear(p + ".attentions.0." + proj, ch, ch);
		}
		resnet(p + ".resnets.1", ch, ch, 0);
	}

	private void resnet(String p, int in, int out, int temb) {
		norm(p + ".norm1", in);
		conv(p + ".conv1", out, in, 3);
		if (temb > 0) {
			linear(p + ".time_emb_proj", out, temb);
		}
		norm(p + ".norm2", out);
		conv(p + ".conv2", out, out, 3);
		if (in != out) {
			conv(p + ".conv_shortcut", out, in, 1);
		}
	}

	/** A spatial transformer: GEGLU feed-forward four times as wide, self- and cross-attention without q/k/v biases. */
	private void transformer(String p, int ch, int depth, UNetConfig c) {
		norm(p + ".norm", ch);
		projection(p + ".proj_in", ch, c.linearProjection());
		for (int k = 0; k < depth; k++) {
			String b = p + ".transformer_blocks." + k + ".";
			for (int n = 1; n <= 3; n++) {
				norm(b + "norm" + n, ch);
			}
			for (String attn : new String[] { "attn1", "attn2" }) {
				int kv = attn.equals("attn1") ? ch : c.contextDim();
				shapes.put(b + attn + ".to_q.weight", new long[] { ch, ch });
				shapes.put(b + attn + ".to_k.weight", new long[] { ch, kv });
				shapes.put(b + attn + ".to_v.weight", new long[] { ch, kv });
				linear(b + attn + ".to_out.0", ch, ch);
			}
			linear(b + "ff.net.0.proj", 8 * ch, ch);
			linear(b + "ff.net.2", ch, 4 * ch);
		}
		projection(p + ".proj_out", ch, c.linearProjection());
	}

	private void projection(String p, int ch, boolean linear) {
		if (linear) {
			linear(p, ch, ch);
		} else {
			conv(p, ch, ch, 1);
		}
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
