package dev.atelier.diffusion.checkpoint;

/**
 * A CLIP text transformer's configuration from its tensors: vocabulary, positions, width, layers, MLP width and the
 * pooled output's projection (0 without one: only SDXL's second encoder has it). Heads are 64 wide.
 */
public record TextEncoderConfig(String layout, int vocab, int positions, int width, int layers, int intermediate, int projectionDim) {

	public int heads() {
		return width / Family.HEAD_WIDTH;
	}

	@Override
	public String toString() {
		return layout + ", width " + width + ", " + layers + " layers, " + heads() + " heads, MLP " + intermediate + ", " + positions + " positions, vocabulary "
				+ vocab + (projectionDim > 0 ? ", projection " + projectionDim : "");
	}
}
