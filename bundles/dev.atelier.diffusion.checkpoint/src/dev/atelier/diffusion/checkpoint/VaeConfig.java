package dev.atelier.diffusion.checkpoint;

import java.util.Arrays;

/** An autoencoder's configuration from its tensors: latent channels, base channels and their multiplier per level, res blocks per level. */
public record VaeConfig(int latentChannels, int baseChannels, int[] channelMult, int resBlocks) {

	public VaeConfig {
		channelMult = channelMult.clone();
	}

	@Override
	public int[] channelMult() {
		return channelMult.clone();
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof VaeConfig c && c.latentChannels == latentChannels && c.baseChannels == baseChannels && Arrays.equals(c.channelMult, channelMult)
				&& c.resBlocks == resBlocks;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(channelMult) * 31 + baseChannels;
	}

	@Override
	public String toString() {
		return latentChannels + " latent channels, " + baseChannels + " × " + Arrays.toString(channelMult) + ", " + resBlocks + " res blocks per level";
	}
}
