package dev.atelier.diffusion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The choices of {@code atelier generate} beyond a plain request — LoRA files with weights, a ControlNet with its control
 * image and settings, an inpainting mask, a VAE that replaces the checkpoint's, tiled VAE — as the command line and the
 * Diffusion view take them. Both make their request here — the command line with {@link #applyTo}, the view with
 * {@link #unchecked} on its UI thread and {@link #missingFile} off it — so the same choices make the same request.
 *
 * @param loras        LoRA files as {@code FILE} or {@code FILE:W} ({@code --lora})
 * @param controlNet   a ControlNet file, or the name of one in the workspace's {@code models/controlnet}; null for none
 * @param controlImage the ControlNet's control image; null for none
 * @param mask         where to inpaint the init image; null for none
 * @param vae          a VAE file, or the name of one in the workspace's {@code models/vae}; null for the checkpoint's own
 */
public record GenerationOptions(List<String> loras, Path controlNet, Path controlImage, double controlStrength, double controlStart, double controlEnd,
		boolean canny, Path mask, Path vae, boolean tileVae) {

	/** No LoRA, ControlNet, mask or VAE; a ControlNet chosen later runs at full strength over all steps. */
	public static final GenerationOptions NONE = new GenerationOptions(List.of(), null, null, 1, 0, 1, false, null, null, false);

	/**
	 * How messages name the options: the command line's flags, or the view's labels.
	 *
	 * @param controlNetWanted  how a message asks for a ControlNet ({@code --controlnet FILE})
	 * @param controlImageWanted how a message asks for a control image ({@code --control-image IMAGE})
	 */
	public record Names(String lora, String controlNet, String controlNetWanted, String controlImage, String controlImageWanted, String canny) {
		public static final Names CLI = new Names("--lora", "--controlnet", "--controlnet FILE", "--control-image", "--control-image IMAGE", "--canny");
		public static final Names VIEW = new Names("LoRA", "ControlNet", "a ControlNet", "Control image", "a control image", "Canny");
	}

	public GenerationOptions {
		loras = List.copyOf(loras);
	}

	/**
	 * {@code base} with these choices.
	 *
	 * @throws IllegalArgumentException naming the option as {@code names} say: a LoRA or control image that is no file, a
	 *                                  control image without a ControlNet or the other way round, settings out of range,
	 *                                  a mask without an init image
	 */
	public GenerationRequest applyTo(GenerationRequest base, Names names) {
		GenerationRequest r = unchecked(base, names);
		missingFile(names).ifPresent(problem -> {
			throw new IllegalArgumentException(problem);
		});
		return r;
	}

	/**
	 * {@code base} with these choices as {@link #applyTo} makes it, without looking at the files: for a UI thread, which
	 * leaves {@link #missingFile} to another.
	 *
	 * @throws IllegalArgumentException as {@link #applyTo} does, but for files that are not there
	 */
	public GenerationRequest unchecked(GenerationRequest base, Names names) {
		return base.withLoras(loras.stream().map(LoraChoice::parse).toList()).withControl(control(names)).withMask(mask).withTileVae(tileVae).withVae(vae);
	}

	/** Why a LoRA or the control image is no file, in {@code names}' words; empty when they all are. Looks at the file system. */
	public Optional<String> missingFile(Names names) {
		for (String l : loras) {
			Path file = LoraChoice.parse(l).file();
			if (!Files.isRegularFile(file)) {
				return Optional.of(names.lora() + " " + l + ": no such file " + file);
			}
		}
		return controlImage == null || Files.isRegularFile(controlImage) ? Optional.empty()
				: Optional.of(names.controlImage() + " " + controlImage + ": no such file");
	}

	/** The ControlNet choices as one; null without a ControlNet. */
	private ControlChoice control(Names names) {
		if (controlNet == null) {
			if (controlImage != null || canny) {
				throw new IllegalArgumentException((canny ? names.canny() : names.controlImage()) + " needs " + names.controlNetWanted());
			}
			return null;
		}
		if (controlImage == null) {
			throw new IllegalArgumentException(names.controlNet() + " needs " + names.controlImageWanted());
		}
		return new ControlChoice(controlNet, controlImage, controlStrength, controlStart, controlEnd, canny);
	}

	/** The choices a request was made with (LoRA weights as {@code FILE:W}). */
	public static GenerationOptions of(GenerationRequest r) {
		ControlChoice c = r.control();
		return new GenerationOptions(r.loras().stream().map(LoraChoice::text).toList(), c == null ? null : c.model(), c == null ? null : c.image(),
				c == null ? 1 : c.strength(), c == null ? 0 : c.start(), c == null ? 1 : c.end(), c != null && c.canny(), r.mask(), r.vae(), r.tileVae());
	}
}
