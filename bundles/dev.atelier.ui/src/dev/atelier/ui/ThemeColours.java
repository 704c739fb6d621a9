package dev.atelier.ui;

import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Control;

/**
 * Colours that follow the light or dark theme: problem text takes the theme's {@link AtelierUi#ERROR_CLASS} colour
 * from its CSS, and what a view paints itself (a chart's line, a bar's segments) is a hue brought to the contrast it
 * needs against the background the theme gave the widget.
 */
public final class ThemeColours {

	/** WCAG's contrast for text. */
	public static final double TEXT = 4.5;
	/** WCAG's contrast for lines and shapes. */
	public static final double GRAPHICS = 3.0;

	private static final String PROBLEM = "dev.atelier.ui.problem";
	/** The CSS class of a widget of Atelier's own that paints itself; each theme gives it its surface and text colours. */
	public static final String PAINTED_CLASS = "atelier-painted";
	/** Where the E4 CSS engine reads a widget's CSS classes (CSSSWTConstants.CSS_CLASS_NAME_KEY). */
	private static final String CSS_CLASS_KEY = "org.eclipse.e4.ui.css.CssClassName";

	private ThemeColours() {
	}

	/**
	 * Marks {@code text} as reporting a problem (the theme's problem colour) or not (the theme's plain colour again).
	 * {@code styling} is the workbench's; without one (a view outside the workbench) only the mark is kept.
	 */
	public static void problem(IStylingEngine styling, Control text, boolean problem) {
		text.setData(PROBLEM, problem);
		// a light theme leaves plain text to the desktop: the problem colour is taken back, not overwritten
		text.setForeground(null);
		if (styling != null) {
			styling.setClassname(text, problem ? AtelierUi.ERROR_CLASS : "");
		}
	}

	/**
	 * Lets the theme colour a widget class of Atelier's own (a chart, a bar, a legend): CSS type selectors match SWT's
	 * classes, not their subclasses, so it takes the {@link #PAINTED_CLASS} class. Called from its constructor, before
	 * the CSS engine styles the new widget.
	 */
	public static void themed(Control widget) {
		widget.setData(CSS_CLASS_KEY, PAINTED_CLASS);
	}

	/** Whether {@link #problem} last marked the text as a problem. */
	public static boolean isProblem(Control text) {
		return Boolean.TRUE.equals(text.getData(PROBLEM));
	}

	/**
	 * {@code colour} made lighter on a dark background or darker on a light one, as little as gives it {@code ratio}
	 * contrast against {@code background} (white or black at most).
	 */
	public static RGB readable(RGB colour, RGB background, double ratio) {
		RGB toward = luminance(background) < 0.18 ? new RGB(255, 255, 255) : new RGB(0, 0, 0);
		for (int step = 0; step <= 20; step++) {
			RGB mixed = Axes.mix(toward, colour, step / 20.0);
			if (contrast(mixed, background) >= ratio) {
				return mixed;
			}
		}
		return toward;
	}

	/** WCAG's contrast ratio of two colours, 1 to 21. */
	public static double contrast(RGB a, RGB b) {
		double la = luminance(a);
		double lb = luminance(b);
		return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
	}

	/** WCAG's relative luminance. */
	public static double luminance(RGB rgb) {
		return 0.2126 * linear(rgb.red) + 0.7152 * linear(rgb.green) + 0.0722 * linear(rgb.blue);
	}

	private static double linear(int channel) {
		double c = channel / 255.0;
		return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
	}
}
