package dev.atelier.diffusion.checkpoint;

/** The Stable Diffusion architectures Atelier reads, each with its attention-head rule for the UNet. */
public enum Family {
	/** CLIP ViT-L text encoder, convolutional transformer projections, 8 heads in every UNet attention. */
	SD1("SD 1.x", false),
	/** OpenCLIP ViT-H text encoder, linear projections, 64-wide heads. */
	SD2("SD 2.x", true),
	/** CLIP ViT-L and OpenCLIP ViT-bigG, size/crop conditioning (adm), linear projections, 64-wide heads. */
	SDXL("SDXL", true);

	/** The width of a text encoder's attention heads (CLIP and OpenCLIP alike). */
	public static final int HEAD_WIDTH = 64;
	/** SD 1.x's UNet attention has this many heads at every level. */
	public static final int SD1_UNET_HEADS = 8;

	private final String displayName;
	private final boolean headWidth64;

	Family(String displayName, boolean headWidth64) {
		this.displayName = displayName;
		this.headWidth64 = headWidth64;
	}

	public String displayName() {
		return displayName;
	}

	/** Heads of a UNet attention over {@code channels}: 8 in SD 1.x, channels / 64 in SD 2.x and SDXL. */
	public int unetHeads(int channels) {
		return headWidth64 ? channels / HEAD_WIDTH : SD1_UNET_HEADS;
	}

	/** Whether {@code channels} split evenly into this family's heads. */
	public boolean headsFit(int channels) {
		return headWidth64 ? channels % HEAD_WIDTH == 0 && channels > 0 : channels % SD1_UNET_HEADS == 0 && channels > 0;
	}
}
