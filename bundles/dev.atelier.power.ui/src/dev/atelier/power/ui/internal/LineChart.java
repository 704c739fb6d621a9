package dev.atelier.power.ui.internal;

import java.util.List;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.power.Metric;
import dev.atelier.power.Sample;

/**
 * One metric against time, drawn on a canvas: SWT has no kept charting library on Maven Central that fits a pure
 * E4 product (SWTChart is not published there), and a polyline per metric is all this view needs.
 */
final class LineChart extends Canvas {

	private final Metric metric;
	private List<Sample> samples = List.of();
	private long from;
	private long to;

	LineChart(Composite parent, Metric metric) {
		super(parent, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		this.metric = metric;
		addPaintListener(e -> paint(e.gc));
	}

	void show(List<Sample> samples, long from, long to) {
		this.samples = samples;
		this.from = from;
		this.to = to;
		redraw();
	}

	/** The y range: from 0 (or the lowest value) to the highest value seen, with a little room above. */
	static double[] range(List<Sample> samples, Metric metric) {
		double lo = 0;
		double hi = 1;
		for (Sample s : samples) {
			if (s.get(metric).isPresent()) {
				double v = s.get(metric).getAsDouble();
				lo = Math.min(lo, v);
				hi = Math.max(hi, v * 1.1);
			}
		}
		return new double[] { lo, hi };
	}

	private void paint(GC gc) {
		Point size = getSize();
		gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_LIST_BACKGROUND));
		gc.fillRectangle(0, 0, size.x, size.y);
		double[] r = range(samples, metric);
		gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
		gc.drawText(String.format(Locale.ROOT, "%s [%s]  max %.0f", metric.field(), metric.unit(), r[1] / 1.1), 4, 2, true);
		int top = 18;
		int h = size.y - top - 4;
		int w = size.x - 8;
		int[] points = new int[samples.size() * 2];
		int n = 0;
		for (Sample s : samples) {
			if (s.get(metric).isPresent() && to > from) {
				points[n++] = 4 + (int) ((s.epochMillis() - from) * (double) w / (to - from));
				points[n++] = top + h - (int) ((s.get(metric).getAsDouble() - r[0]) * h / (r[1] - r[0]));
			}
		}
		gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_BLUE));
		gc.setLineWidth(2);
		gc.drawPolyline(java.util.Arrays.copyOf(points, n));
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 300 : wHint, hHint == SWT.DEFAULT ? 110 : hHint);
	}
}
