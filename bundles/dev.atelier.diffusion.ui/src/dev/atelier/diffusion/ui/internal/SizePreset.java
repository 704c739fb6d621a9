package dev.atelier.diffusion.ui.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An image size as the size combo shows it, {@code 512x768}: width first, as AUTOMATIC1111 writes "Size". */
record SizePreset(int width, int height) {

	/** The sizes SD 1.x and SDXL are usually run at. */
	static final List<SizePreset> COMMON = List.of(new SizePreset(512, 512), new SizePreset(512, 768), new SizePreset(768, 512),
			new SizePreset(768, 768), new SizePreset(1024, 1024));

	private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,5})\\s*[x×*]\\s*(\\d{1,5})\\s*", Pattern.CASE_INSENSITIVE);

	SizePreset {
		if (width <= 0 || height <= 0) {
			throw new IllegalArgumentException("a size needs a positive width and height, not " + width + "x" + height);
		}
	}

	/**
	 * Reads {@code 512x768} (also {@code 512 × 768}, {@code 512*768}).
	 *
	 * @throws IllegalArgumentException saying what was expected
	 */
	static SizePreset parse(String text) {
		Matcher m = SIZE.matcher(text == null ? "" : text);
		if (!m.matches()) {
			throw new IllegalArgumentException("'" + text + "' is not a size like 512x768");
		}
		return new SizePreset(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
	}

	/** The common size equal to this one, if it is one. */
	static Optional<SizePreset> common(int width, int height) {
		return COMMON.stream().filter(p -> p.width == width && p.height == height).findFirst();
	}

	/** The labels of the common sizes, in order. */
	static String[] labels() {
		return COMMON.stream().map(SizePreset::label).toArray(String[]::new);
	}

	String label() {
		return width + "x" + height;
	}

	@Override
	public String toString() {
		return label();
	}
}
