package dev.atelier.outputs.ui.internal;

/**
 * The image viewer's magnification: "fit" follows the window (enlarging small images too), otherwise a fixed scale
 * that zooming in and out steps through powers of {@value #STEP}, between {@value #MIN} and {@value #MAX}.
 */
public record Zoom(boolean fit, double scale) {

	public static final double STEP = 1.25;
	public static final double MIN = 1 / 16.0;
	public static final double MAX = 32;

	public static final Zoom FIT = new Zoom(true, 1);
	public static final Zoom ACTUAL = new Zoom(false, 1);

	/** The scale at which an image of {@code width}×{@code height} shows in a {@code boxWidth}×{@code boxHeight} area. */
	public double scaleIn(int width, int height, int boxWidth, int boxHeight) {
		if (!fit) {
			return scale;
		}
		return Math.max(MIN, Math.min((double) Math.max(1, boxWidth) / width, (double) Math.max(1, boxHeight) / height));
	}

	/** One step larger than what shows now (from fit: from the scale fit gave). */
	public Zoom in(double shown) {
		return new Zoom(false, Math.min(MAX, shown * STEP));
	}

	public Zoom out(double shown) {
		return new Zoom(false, Math.max(MIN, shown / STEP));
	}

	/** "Fit" or the percentage, for the viewer's status. */
	public String label(double shown) {
		return (fit ? "Fit, " : "") + Math.round(shown * 100) + " %";
	}
}
