package dev.atelier.diffusion;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A ControlNet to generate with (SD 1.x checkpoints on Atelier's engine): its file (or a name in the workspace's
 * {@code models/controlnet}), the control image, cropped to the generation's aspect and resized to its size as
 * AUTOMATIC1111's "Crop and Resize", and, with {@code canny}, first turned into an edge map by the built-in canny
 * preprocessor (thresholds 100/200). The residuals are scaled by {@code strength} (AUTOMATIC1111's weight, 0..2) and
 * added while the step's fraction of the steps is within {@code [start, end]} as diffusers decides it: step i of n runs
 * the ControlNet unless {@code i/n < start} or {@code (i+1)/n > end}. It runs on the unconditional and the conditional
 * pass alike (AUTOMATIC1111's "Balanced" control mode, diffusers without guess mode).
 */
public record ControlChoice(Path model, Path image, double strength, double start, double end, boolean canny) {

	public static final double MAX_STRENGTH = 2;
	/** AUTOMATIC1111's canny thresholds on the L1 gradient magnitude (its "Threshold A" and "Threshold B"). */
	public static final int CANNY_LOW = 100;
	public static final int CANNY_HIGH = 200;

	public ControlChoice {
		Objects.requireNonNull(model, "model");
		Objects.requireNonNull(image, "image");
		if (!(strength >= 0 && strength <= MAX_STRENGTH)) {
			throw new IllegalArgumentException("the ControlNet's strength must be in 0.." + (int) MAX_STRENGTH + ", not " + strength);
		}
		if (!(start >= 0 && start < end && end <= 1)) {
			throw new IllegalArgumentException("the ControlNet's start and end must be fractions of the steps with 0 ≤ start < end ≤ 1, not " + start + " and " + end);
		}
	}

	/** At full strength over all steps. */
	public ControlChoice(Path model, Path image, boolean canny) {
		this(model, image, 1, 0, 1, canny);
	}

	/** The strength for step {@code i} of {@code n}: 0 outside the start/end window. */
	public double strengthAt(int i, int n) {
		return (double) i / n < start || (double) (i + 1) / n > end ? 0 : strength;
	}

	/** The name AUTOMATIC1111 gives the model: its file name without the extension. */
	public String name() {
		return model.getFileName().toString().replaceFirst("\\.(safetensors|pth|ckpt|pt)$", "");
	}
}
