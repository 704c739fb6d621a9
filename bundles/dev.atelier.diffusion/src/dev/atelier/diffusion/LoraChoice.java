package dev.atelier.diffusion;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A LoRA file to generate with and its weight (AUTOMATIC1111's multiplier), for the text encoders and the UNet alike:
 * what {@code atelier generate --lora FILE[:W]} gives. A prompt's {@code <lora:name:W>} names one in the workspace's
 * {@code models/loras} instead.
 */
public record LoraChoice(Path file, double weight) {

	public LoraChoice {
		Objects.requireNonNull(file, "file");
		if (!Double.isFinite(weight)) {
			throw new IllegalArgumentException("the weight of LoRA " + file + " must be a number, not " + weight);
		}
	}

	/** {@code FILE} (weight 1) or {@code FILE:W}; a colon not followed by a number belongs to the file's name. */
	public static LoraChoice parse(String text) {
		int colon = text.lastIndexOf(':');
		if (colon > 0) {
			try {
				return new LoraChoice(Path.of(text.substring(0, colon)), Double.parseDouble(text.substring(colon + 1)));
			} catch (NumberFormatException e) {
				// part of the path (C:\…): the whole text is the file
			}
		}
		return new LoraChoice(Path.of(text), 1);
	}

	/** As {@link #parse} reads it: {@code FILE:W}. */
	public String text() {
		return file + ":" + weight;
	}

	/** The name AUTOMATIC1111 gives the file: its name without {@code .safetensors}. */
	public String name() {
		return file.getFileName().toString().replaceFirst("\\.safetensors$", "");
	}
}
