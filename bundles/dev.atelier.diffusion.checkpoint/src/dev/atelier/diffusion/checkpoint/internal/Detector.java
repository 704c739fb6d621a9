package dev.atelier.diffusion.checkpoint.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.Prediction;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;
import dev.atelier.diffusion.checkpoint.UNetConfig;
import dev.atelier.diffusion.checkpoint.VaeConfig;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * The family and configuration of weights under internal names, read from which tensors exist and their shapes, as
 * ComfyUI's model detection does: levels, res blocks and transformer depth by counting blocks, channels from
 * convolution shapes, context width from cross-attention keys; SD 1.x has 1×1-convolution projections and no adm, SD 2.x
 * linear ones, SDXL linear ones with an adm input and two text encoders whose widths add up to the context.
 */
public final class Detector {

	/** ComfyUI's threshold on the spread of the last up block's first norm1 bias: above it, an SD 2.x UNet predicts v. */
	static final double V_PREDICTION_STD = 0.09;

	public record Result(Family family, Prediction prediction, UNetConfig unet, Map<String, TextEncoderConfig> textEncoders, VaeConfig vae) {
	}

	private final Path file;
	private final Map<String, Weight> w;

	private Detector(Path file, Map<String, Weight> weights) {
		this.file = file;
		this.w = weights;
	}

	/**
	 * @param layouts each text encoder's stored layout (single files), empty for a diffusers folder
	 * @param prediction a folder's scheduler_config.json prediction type, if it has one
	 * @param vPredMarker whether the file carries ComfyUI's {@code v_pred} key
	 */
	public static Result detect(Path file, Map<String, Weight> weights, Map<String, String> layouts, Optional<Prediction> prediction, boolean vPredMarker)
			throws CheckpointException {
		return new Detector(file, weights).run(layouts, prediction, vPredMarker);
	}

	private Result run(Map<String, String> layouts, Optional<Prediction> prediction, boolean vPredMarker) throws CheckpointException {
		UNetConfig unet = unet();
		Map<String, TextEncoderConfig> encoders = new LinkedHashMap<>();
		for (String prefix : List.of("text_encoder.", "text_encoder_2.")) {
			if (w.containsKey(prefix + "text_model.embeddings.token_embedding.weight")) {
				encoders.put(prefix, textEncoder(prefix, layouts.getOrDefault(prefix, "CLIP")));
			}
		}
		Family family = family(unet, encoders, layouts);
		for (int i = 0; i < unet.levels(); i++) {
			if ((unet.transformerDepth()[i] > 0 || (i == unet.levels() - 1 && unet.midDepth() > 0)) && !family.headsFit(unet.channels(i))) {
				throw new CheckpointException(file, "UNet level " + i + " has " + unet.channels(i) + " channels, which do not split into " + family.displayName()
						+ "'s attention heads (" + (family == Family.SD1 ? Family.SD1_UNET_HEADS + " heads" : Family.HEAD_WIDTH + "-wide heads") + ")");
			}
		}
		for (Map.Entry<String, TextEncoderConfig> e : encoders.entrySet()) {
			if (e.getValue().width() % Family.HEAD_WIDTH != 0) {
				throw new CheckpointException(file, e.getKey() + " is " + e.getValue().width() + " wide, not a multiple of its " + Family.HEAD_WIDTH + "-wide heads");
			}
		}
		Prediction p = vPredMarker ? Prediction.V_PREDICTION : prediction.orElseGet(() -> family == Family.SD2 && unet.inChannels() == 4 && vByNormSpread(unet)
				? Prediction.V_PREDICTION : Prediction.EPSILON);
		return new Result(family, p, unet, encoders, vae());
	}

	private Family family(UNetConfig u, Map<String, TextEncoderConfig> encoders, Map<String, String> layouts) throws CheckpointException {
		TextEncoderConfig first = encoders.get("text_encoder.");
		TextEncoderConfig second = encoders.get("text_encoder_2.");
		String firstLayout = layouts.get("text_encoder.");
		String secondLayout = layouts.get("text_encoder_2.");
		boolean folder = layouts.isEmpty();
		if (u.admInChannels() > 0 && u.linearProjection() && first != null && second != null && (folder || "CLIP".equals(firstLayout) && "OpenCLIP".equals(secondLayout))
				&& u.contextDim() == first.width() + second.width() && second.projectionDim() > 0) {
			return Family.SDXL;
		}
		if (u.admInChannels() == 0 && second == null && first != null && u.contextDim() == first.width()) {
			if (u.linearProjection() && (folder || "OpenCLIP".equals(firstLayout))) {
				return Family.SD2;
			}
			if (!u.linearProjection() && (folder || "CLIP".equals(firstLayout))) {
				return Family.SD1;
			}
		}
		List<String> found = new ArrayList<>();
		found.add("a UNet with " + (u.linearProjection() ? "linear" : "1×1-convolution") + " projections, context " + u.contextDim()
				+ (u.admInChannels() > 0 ? ", adm " + u.admInChannels() : ", no adm"));
		for (String prefix : List.of("text_encoder.", "text_encoder_2.")) {
			TextEncoderConfig c = encoders.get(prefix);
			found.add(c == null ? "no " + prefix.substring(0, prefix.length() - 1) : prefix.substring(0, prefix.length() - 1) + " in " + layouts.getOrDefault(prefix, "CLIP")
					+ " layout, width " + c.width() + (c.projectionDim() > 0 ? " with projection" : ""));
		}
		throw new CheckpointException(file, "not a known Stable Diffusion family (SD 1.x, SD 2.x, SDXL): found " + String.join("; ", found));
	}

	/**
	 * The configuration of a ControlNet's UNet half (its weights under the UNet's names), read as a UNet's; it has no
	 * output, so 0 output channels.
	 */
	public static UNetConfig controlNet(Path file, Map<String, Weight> weights) throws CheckpointException {
		return new Detector(file, weights).unet(true);
	}

	private UNetConfig unet() throws CheckpointException {
		return unet(false);
	}

	private UNetConfig unet(boolean encoderOnly) throws CheckpointException {
		long[] in = shape("unet.conv_in.weight", 4);
		int mc = (int) in[0];
		int outChannels = encoderOnly ? 0 : (int) shape("unet.conv_out.weight", 4)[0];
		int levels = count("unet.down_blocks.", ".resnets.0.conv1.weight");
		int res = count("unet.down_blocks.0.resnets.", ".conv1.weight");
		if (levels == 0 || res == 0) {
			throw new CheckpointException(file, "the UNet has no down blocks with res blocks");
		}
		int[] mult = new int[levels];
		int[] depth = new int[levels];
		int context = 0;
		Boolean linear = null;
		for (int i = 0; i < levels; i++) {
			long out = shape("unet.down_blocks." + i + ".resnets.0.conv1.weight", 4)[0];
			if (out % mc != 0) {
				throw new CheckpointException(file, "UNet level " + i + " has " + out + " channels, not a multiple of the " + mc + " model channels");
			}
			mult[i] = (int) (out / mc);
			String attn = "unet.down_blocks." + i + ".attentions.0.";
			depth[i] = count(attn + "transformer_blocks.", ".attn1.to_q.weight");
			if (depth[i] > 0) {
				context = (int) shape(attn + "transformer_blocks.0.attn2.to_k.weight", 2)[1];
				linear = shape(attn + "proj_in.weight", -1).length == 2;
			}
		}
		int mid = count("unet.mid_block.attentions.0.transformer_blocks.", ".attn1.to_q.weight");
		if (linear == null && mid > 0) {
			context = (int) shape("unet.mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight", 2)[1];
			linear = shape("unet.mid_block.attentions.0.proj_in.weight", -1).length == 2;
		}
		if (linear == null) {
			throw new CheckpointException(file, "the UNet has no cross-attention (no transformer blocks), so it takes no text");
		}
		int adm = w.containsKey("unet.add_embedding.linear_1.weight") ? (int) shape("unet.add_embedding.linear_1.weight", 2)[1] : 0;
		return new UNetConfig((int) in[1], outChannels, mc, mult, res, depth, mid, context, linear, adm);
	}

	private TextEncoderConfig textEncoder(String prefix, String layout) throws CheckpointException {
		String t = prefix + "text_model.";
		long[] tokens = shape(t + "embeddings.token_embedding.weight", 2);
		long[] positions = shape(t + "embeddings.position_embedding.weight", 2);
		int layers = count(t + "encoder.layers.", ".self_attn.q_proj.weight");
		if (layers == 0) {
			throw new CheckpointException(file, prefix.substring(0, prefix.length() - 1) + " has no layers");
		}
		long intermediate = shape(t + "encoder.layers.0.mlp.fc1.weight", 2)[0];
		int projection = w.containsKey(prefix + "text_projection.weight") ? (int) shape(prefix + "text_projection.weight", 2)[0] : 0;
		return new TextEncoderConfig(layout, (int) tokens[0], (int) positions[0], (int) tokens[1], layers, (int) intermediate, projection);
	}

	private VaeConfig vae() throws CheckpointException {
		long[] in = shape("vae.encoder.conv_in.weight", 4);
		int base = (int) in[0];
		int levels = count("vae.encoder.down_blocks.", ".resnets.0.conv1.weight");
		int res = count("vae.encoder.down_blocks.0.resnets.", ".conv1.weight");
		int[] mult = new int[levels];
		for (int i = 0; i < levels; i++) {
			long out = shape("vae.encoder.down_blocks." + i + ".resnets.0.conv1.weight", 4)[0];
			if (out % base != 0) {
				throw new CheckpointException(file, "VAE level " + i + " has " + out + " channels, not a multiple of the " + base + " base channels");
			}
			mult[i] = (int) (out / base);
		}
		int latent = (int) shape("vae.decoder.conv_in.weight", 4)[1];
		return new VaeConfig(latent, base, mult, res);
	}

	/** ComfyUI's rule, on the block it reads (output block 11 of the full SD 2.x UNet: the last up block's last attention). */
	private boolean vByNormSpread(UNetConfig u) {
		if (u.transformerDepth()[0] == 0) {
			return false;
		}
		Weight bias = w.get("unet.up_blocks." + (u.levels() - 1) + ".attentions." + u.resBlocks() + ".transformer_blocks.0.norm1.bias");
		if (bias == null) {
			return false;
		}
		try {
			float[] v = bias.toFloats();
			double mean = 0;
			for (float x : v) {
				mean += x;
			}
			mean /= v.length;
			double var = 0;
			for (float x : v) {
				var += (x - mean) * (x - mean);
			}
			return Math.sqrt(var / v.length) > V_PREDICTION_STD;
		} catch (CheckpointException | IllegalStateException e) {
			return false; // an unreadable bias is reported with the other tensors' checks
		}
	}

	/** How many consecutive indices n from 0 have {@code prefix + n + suffix}. */
	private int count(String prefix, String suffix) {
		int n = 0;
		while (w.containsKey(prefix + n + suffix)) {
			n++;
		}
		return n;
	}

	private long[] shape(String name, int dims) throws CheckpointException {
		Weight t = w.get(name);
		if (t == null) {
			throw new CheckpointException(file, "missing tensor " + name + ", which the configuration is read from");
		}
		long[] s = t.shape();
		if (dims >= 0 && s.length != dims) {
			throw new CheckpointException(file, "tensor " + t.source().key() + " (" + name + ") has shape " + java.util.Arrays.toString(s) + ", not " + dims
					+ " dimensions");
		}
		return s;
	}
}
