package dev.atelier.diffusion.checkpoint;

import java.util.Arrays;

/**
 * A UNet's configuration as read from its tensors' shapes: channels in and out, model channels and their multiplier per
 * level, residual blocks per level, transformer blocks per level and in the middle, cross-attention width, linear or 1×1
 * convolutional projections, and the width of the size/crop conditioning (SDXL's adm; 0 without).
 */
public record UNetConfig(int inChannels, int outChannels, int modelChannels, int[] channelMult, int resBlocks, int[] transformerDepth, int midDepth,
		int contextDim, boolean linearProjection, int admInChannels) {

	public UNetConfig {
		channelMult = channelMult.clone();
		transformerDepth = transformerDepth.clone();
	}

	@Override
	public int[] channelMult() {
		return channelMult.clone();
	}

	@Override
	public int[] transformerDepth() {
		return transformerDepth.clone();
	}

	public int levels() {
		return channelMult.length;
	}

	public int channels(int level) {
		return modelChannels * channelMult[level];
	}

	public int timeEmbedDim() {
		return 4 * modelChannels;
	}

	/** Inpainting UNets take the latent, the masked image's latent and the mask: 4 + 4 + 1 channels. */
	public boolean inpainting() {
		return inChannels == 9;
	}

	@Override
	public String toString() {
		return inChannels + " → " + outChannels + " channels, " + modelChannels + " × " + Arrays.toString(channelMult) + ", " + resBlocks
				+ " res blocks per level, transformer depth " + Arrays.toString(transformerDepth) + " (middle " + midDepth + "), context " + contextDim
				+ ", " + (linearProjection ? "linear" : "1×1 convolution") + " projections" + (admInChannels > 0 ? ", adm " + admInChannels : "");
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof UNetConfig c && c.inChannels == inChannels && c.outChannels == outChannels && c.modelChannels == modelChannels
				&& Arrays.equals(c.channelMult, channelMult) && c.resBlocks == resBlocks && Arrays.equals(c.transformerDepth, transformerDepth)
				&& c.midDepth == midDepth && c.contextDim == contextDim && c.linearProjection == linearProjection && c.admInChannels == admInChannels;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(channelMult) * 31 + Arrays.hashCode(transformerDepth) + modelChannels + contextDim;
	}
}
