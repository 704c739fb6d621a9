package dev.atelier.diffusion.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.atelier.diffusion.checkpoint.internal.ControlNetMapping;
import dev.atelier.diffusion.checkpoint.internal.Detector;
import dev.atelier.diffusion.checkpoint.internal.Expected;
import dev.atelier.diffusion.checkpoint.internal.Loader;
import dev.atelier.diffusion.checkpoint.internal.Mapped;
import dev.atelier.diffusion.checkpoint.internal.format.TensorFile;

/**
 * A ControlNet for SD 1.x, from ControlNet-v1.1's file ({@code control_model.…} keys, as lllyasviel's and A1111's files
 * have them) or diffusers' ControlNetModel {@code .safetensors}: the layout detected from the keys, the configuration
 * (channels, levels, res blocks, transformer depth, context width, hint embedding widths) from the tensors' shapes as a
 * checkpoint's UNet is, so reduced sizes load too. Weights are under the UNet's internal names for its UNet half and
 * diffusers' ControlNetModel names for the rest; the data stays mapped until {@link #close()}.
 */
public final class ControlNet implements AutoCloseable {

	private final Path file;
	private final String layout;
	private final UNetConfig unet;
	private final int[] hintChannels;
	private final Map<String, Weight> weights;
	private final AutoCloseable mapped;

	private ControlNet(Path file, String layout, UNetConfig unet, int[] hintChannels, Map<String, Weight> weights, AutoCloseable mapped) {
		this.file = file;
		this.layout = layout;
		this.unet = unet;
		this.hintChannels = hintChannels;
		this.weights = Map.copyOf(weights);
		this.mapped = mapped;
	}

	/**
	 * Reads {@code file} ({@code .safetensors}, or a {@code .pth}/{@code .ckpt} pickle through the restricted unpickler).
	 *
	 * @throws CheckpointException naming the file: unreadable, not a ControlNet of either layout, not SD 1.x's, or
	 *                             missing or misshapen tensors (named)
	 */
	public static ControlNet open(Path file) throws CheckpointException {
		TensorFile tensors;
		try {
			tensors = Loader.openFile(file);
		} catch (CheckpointException e) {
			throw e;
		} catch (IOException e) {
			throw new CheckpointException(file, "cannot read the ControlNet: " + e.getMessage(), e);
		}
		try {
			return read(file, tensors);
		} catch (CheckpointException | RuntimeException e) {
			tensors.close();
			throw e;
		}
	}

	private static ControlNet read(Path file, TensorFile tensors) throws CheckpointException {
		Map<String, StoredTensor> stored = tensors.tensors();
		String layout = ControlNetMapping.layout(stored);
		if (layout == null) {
			throw new CheckpointException(file, "not a ControlNet: neither ControlNet-v1.1's control_model.input_hint_block.0.weight nor diffusers' "
					+ "controlnet_cond_embedding.conv_in.weight; keys like " + stored.keySet().stream().limit(3).collect(Collectors.joining(", ")));
		}
		Mapped m = ControlNetMapping.map(stored);
		UNetConfig unet = Detector.controlNet(file, m.weights);
		if (unet.linearProjection() || unet.admInChannels() > 0 || unet.inChannels() != 4) {
			throw new CheckpointException(file, "a ControlNet for another model than SD 1.x (" + unet
					+ "): the native engine runs SD 1.5's ControlNets (1×1-convolution projections, 4 latent channels, no adm)");
		}
		for (int i = 0; i < unet.levels(); i++) {
			if (unet.transformerDepth()[i] > 0 && !Family.SD1.headsFit(unet.channels(i))) {
				throw new CheckpointException(file, "level " + i + " has " + unet.channels(i) + " channels, which do not split into SD 1.x's "
						+ Family.SD1_UNET_HEADS + " heads");
			}
		}
		int[] hint = hintChannels(file, m.weights);
		Map<String, Weight> weights = Loader.checked(file, "ControlNet (" + layout + ", " + unet + ")", Expected.controlNet(unet, hint), m);
		return new ControlNet(file, layout, unet, hint, weights, tensors);
	}

	/** The hint embedding's widths: conv_in's, then each strided block's. */
	private static int[] hintChannels(Path file, Map<String, Weight> w) throws CheckpointException {
		List<Integer> widths = new ArrayList<>();
		Weight in = w.get("controlnet_cond_embedding.conv_in.weight");
		if (in == null || in.shape().length != 4) {
			throw new CheckpointException(file, "missing tensor controlnet_cond_embedding.conv_in.weight (the hint embedding's first convolution)");
		}
		widths.add((int) in.shape()[0]);
		for (int b = 1; w.containsKey("controlnet_cond_embedding.blocks." + b + ".weight"); b += 2) {
			widths.add((int) w.get("controlnet_cond_embedding.blocks." + b + ".weight").shape()[0]);
		}
		return widths.stream().mapToInt(Integer::intValue).toArray();
	}

	public Path file() {
		return file;
	}

	/** {@code "ControlNet-v1.1 (ldm)"} or {@code "diffusers"}. */
	public String layout() {
		return layout;
	}

	/** Its UNet half's configuration (0 output channels: it has no output blocks). */
	public UNetConfig unet() {
		return unet;
	}

	public int[] hintChannels() {
		return hintChannels.clone();
	}

	/** Every weight, by internal name. */
	public Map<String, Weight> weights() {
		return weights;
	}

	/** Unmaps the file; its weights cannot be read after. */
	@Override
	public void close() {
		try {
			mapped.close();
		} catch (Exception e) {
			// a read-only mapping: nothing to lose on close
		}
	}
}
