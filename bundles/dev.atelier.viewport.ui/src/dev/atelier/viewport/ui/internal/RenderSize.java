package dev.atelier.viewport.ui.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The size Render traces at, typed as WIDTH×HEIGHT (x or × between): the view's own size has nothing to do with it. */
record RenderSize(int width, int height) {

	static final RenderSize DEFAULT = new RenderSize(1920, 1080);
	/** Each side at most this many pixels: a larger film would not fit the tracer's buffers sensibly. */
	static final int MAX_SIDE = 16384;
	private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*[x×X*]\\s*(\\d{1,9})\\s*");

	/** @throws IllegalArgumentException with a message that names the text and what is wrong with it */
	static RenderSize parse(String text) {
		Matcher m = FORM.matcher(text);
		if (!m.matches()) {
			throw new IllegalArgumentException("resolution \"" + text + "\" is not WIDTH×HEIGHT, e.g. " + DEFAULT);
		}
		int w = Integer.parseInt(m.group(1));
		int h = Integer.parseInt(m.group(2));
		if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) {
			throw new IllegalArgumentException("resolution \"" + text.strip() + "\": width and height must be 1 to " + MAX_SIDE + " pixels");
		}
		return new RenderSize(w, h);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%d×%d", width, height);
	}
}
