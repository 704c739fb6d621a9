package dev.atelier.bench.ui.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.bench.BenchResult;

/**
 * One group of results as horizontal bars: this run's value, and below it the saved run's and PyTorch's where
 * known. Drawn on a canvas for the reason the Power view's charts are.
 */
final class BarChart extends Canvas {

	private final String title;
	private List<BenchResult> results = List.of();
	private Map<String, BenchResult> saved = Map.of();

	BarChart(Composite parent, String title) {
		super(parent, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		this.title = title;
		addPaintListener(e -> paint(e.gc));
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
		gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
		gc.fillRectangle(0, 0, size.x, size.y);
		gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
		gc.drawText(title + (results.isEmpty() ? ": no results" : ""), 4, 2, true);
		double max = scale(results, saved);
		int label = Math.min(220, size.x / 3);
		int width = size.x - label - 110;
		int y = 20;
		for (BenchResult r : results) {
			y = bar(gc, r.name(), r.value(), r.unit(), max, SWT.COLOR_DARK_BLUE, y, label, width);
			BenchResult old = saved.get(r.name());
			if (old != null) {
				y = bar(gc, "  saved run", old.value(), r.unit(), max, SWT.COLOR_GRAY, y, label, width);
			}
			if (r.reference() != null) {
				y = bar(gc, "  PyTorch", r.reference(), r.unit(), max, SWT.COLOR_DARK_YELLOW, y, label, width);
			}
		}
	}

	private int bar(GC gc, String name, double value, String unit, double max, int colour, int y, int label, int width) {
		gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
		gc.drawText(name, 4, y, true);
		int w = max > 0 ? (int) Math.max(1, width * value / max) : 1;
		gc.setBackground(getDisplay().getSystemColor(colour));
		gc.fillRectangle(label, y + 3, Math.max(1, w), 11);
		gc.drawText(String.format(Locale.ROOT, "%.4g %s", value, unit), label + w + 4, y, true);
		return y + 17;
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 420 : wHint, hHint == SWT.DEFAULT ? 220 : hHint);
	}
}
