package dev.atelier.bench.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.bench.BenchResult;
import dev.atelier.ui.Axes;
import dev.atelier.ui.ThemeColours;

/**
 * One group of results as horizontal bars: this run's value, and below it the saved run's and PyTorch's where
 * known, over a value axis with a grid. Drawn on a canvas for the reason the Power view's charts are, in the canvas's
 * theme colours. The bar under the pointer reads out its value (and a saved or PyTorch bar its ratio to this run's).
 */
final class BarChart extends Canvas {

	static final int MAX_TICKS = 5;
	private static final int PAD = 4;
	private static final int ROW = 17;
	/** PyTorch's bars: an amber that reads on light and dark backgrounds alike. */
	private static final RGB REFERENCE = new RGB(230, 150, 0);

	private final String title;
	/** The value axis's labels of the last paint. */
	final List<String> valueLabels = new ArrayList<>();
	/** The bars' rows of the last paint, top to bottom. */
	final List<Row> bars = new ArrayList<>();
	/** The readout of the bar under the pointer (empty when none), as the tooltip shows it. */
	String hoverText = "";
	private List<BenchResult> results = List.of();
	private Map<String, BenchResult> saved = Map.of();

	BarChart(Composite parent, String title) {
		super(parent, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		ThemeColours.themed(this);
		this.title = title;
		addPaintListener(e -> paint(e.gc));
		addListener(SWT.MouseMove, e -> hover(e.y));
		addListener(SWT.MouseExit, e -> hover(-1));
	}

	/** A bar's row as painted: its top, its height, and what hovering it reads. */
	record Row(int top, int height, String readout) {
	}

	private void hover(int y) {
		hoverText = bars.stream().filter(r -> y >= r.top() && y < r.top() + r.height()).map(Row::readout).findFirst().orElse("");
		setToolTipText(hoverText.isEmpty() ? null : hoverText);
	}

	void show(List<BenchResult> results, Map<String, BenchResult> saved) {
		this.results = results;
		this.saved = saved;
		redraw();
	}

	/** The longest bar's value: the largest of this run's, the saved run's and the references' values. */
	static double scale(List<BenchResult> results, Map<String, BenchResult> saved) {
		double max = 0;
		for (BenchResult r : results) {
			max = Math.max(max, r.value());
			if (r.reference() != null) {
				max = Math.max(max, r.reference());
			}
			if (saved.containsKey(r.name())) {
				max = Math.max(max, saved.get(r.name()).value());
			}
		}
		return max;
	}

	private void paint(GC gc) {
		Point size = getSize();
		Color background = getBackground();
		Color foreground = getForeground();
		Color grid = new Color(getDisplay(), Axes.mix(foreground.getRGB(), background.getRGB(), 0.18));
		Color savedColour = new Color(getDisplay(), Axes.mix(foreground.getRGB(), background.getRGB(), 0.45));
		Color referenceColour = new Color(getDisplay(), Axes.mix(REFERENCE, background.getRGB(), 0.85));
		try {
			gc.setBackground(background);
			gc.fillRectangle(0, 0, size.x, size.y);
			gc.setForeground(foreground);
			gc.drawText(title + (results.isEmpty() ? ": no results" : ""), PAD, 2, true);
			int lineHeight = gc.getFontMetrics().getHeight();
			double max = scale(results, saved);
			int label = Math.min(220, size.x / 3);
			int width = Math.max(1, size.x - label - 110);
			int top = 2 + lineHeight + PAD;
			int rows = results.stream().mapToInt(r -> 1 + (saved.containsKey(r.name()) ? 1 : 0) + (r.reference() != null ? 1 : 0)).sum();
			int axisY = top + rows * ROW + PAD;
			valueLabels.clear();
			bars.clear();
			if (max > 0) {
				// the value axis under the bars: round values, a faint grid line up through the bars at each
				double step = Axes.step(0, max, MAX_TICKS);
				String unit = results.get(0).unit();
				for (double v : Axes.ticks(0, max, MAX_TICKS)) {
					int x = label + (int) Math.round(width * v / max);
					gc.setForeground(grid);
					gc.drawLine(x, top, x, axisY);
					String text = Axes.label(v, step);
					valueLabels.add(text);
					gc.setForeground(foreground);
					gc.drawText(text, x - gc.textExtent(text).x / 2, axisY + 2, true);
				}
				gc.drawLine(label, axisY, label + width, axisY);
				gc.drawText(unit, label + width + PAD, axisY + 2, true);
			}
			int y = top;
			for (BenchResult r : results) {
				y = bar(gc, r.name(), r.value(), r.unit(), max, getDisplay().getSystemColor(SWT.COLOR_LIST_SELECTION), y, label, width,
						r.name() + ": " + value(r.value(), r.unit()));
				BenchResult old = saved.get(r.name());
				if (old != null) {
					y = bar(gc, "  saved run", old.value(), r.unit(), max, savedColour, y, label, width, compared(r, "saved run", old.value()));
				}
				if (r.reference() != null) {
					y = bar(gc, "  PyTorch", r.reference(), r.unit(), max, referenceColour, y, label, width, compared(r, "PyTorch", r.reference()));
				}
			}
		} finally {
			grid.dispose();
			savedColour.dispose();
			referenceColour.dispose();
		}
	}

	private static String value(double value, String unit) {
		return String.format(Locale.ROOT, "%.4g %s", value, unit);
	}

	/** Another bar of {@code r}'s row group: its value and its ratio to this run's. */
	private static String compared(BenchResult r, String whose, double value) {
		return r.name() + ", " + whose + ": " + value(value, r.unit()) + (r.value() > 0 ? String.format(Locale.ROOT, " (%.2f× this run)", value / r.value()) : "");
	}

	private int bar(GC gc, String name, double value, String unit, double max, Color colour, int y, int label, int width, String readout) {
		bars.add(new Row(y, ROW, readout));
		gc.setForeground(getForeground());
		gc.drawText(name, PAD, y, true);
		int w = max > 0 ? (int) Math.max(1, width * value / max) : 1;
		gc.setBackground(colour);
		gc.fillRectangle(label, y + 3, Math.max(1, w), 11);
		gc.drawText(value(value, unit), label + w + 4, y, true);
		return y + ROW;
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 420 : wHint, hHint == SWT.DEFAULT ? 220 : hHint);
	}
}
