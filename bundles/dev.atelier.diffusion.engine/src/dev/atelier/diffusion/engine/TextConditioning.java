package dev.atelier.diffusion.engine;

/**
 * What a prompt's text encoders give the UNet: the cross-attention context ({@code [tokens][contextWidth]}) and, for
 * SDXL, the second encoder's pooled, projected embedding ({@code [pooledWidth]}; empty for SD 1.x and 2.x).
 */
public record TextConditioning(float[] context, float[] pooled) {

	public TextConditioning {
		context = context.clone();
		pooled = pooled.clone();
	}

	/**
	 * All zeros: SDXL base's unconditional input for an empty negative prompt (diffusers'
	 * {@code force_zeros_for_empty_prompt}, which its release configuration sets).
	 */
	public static TextConditioning zeros(int contextValues, int pooledWidth) {
		return new TextConditioning(new float[contextValues], new float[pooledWidth]);
	}

	@Override
	public float[] context() {
		return context.clone();
	}

	@Override
	public float[] pooled() {
		return pooled.clone();
	}
}
