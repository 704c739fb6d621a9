package dev.atelier.power.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.ui.Axes;
import dev.atelier.ui.ThemeColours;

/**
 * One metric against time, drawn on a canvas with a value axis, a time axis with clock labels, a grid, and the value
 * under the pointer: SWT has no kept charting library on Maven Central that fits a pure E4 product (SWTChart is not
 * published there). Text and axes take the canvas's theme colours (the CSS theme sets them), the grid a faint mix of
 * the two, the line the desktop's selection hue made to stand out from the theme's background.
 */
final class LineChart extends Canvas {

	static final int MAX_VALUE_TICKS = 5;
	static final int MAX_TIME_TICKS = 6;
	private static final int PAD = 4;

	private final Metric metric;
	private List<Sample> samples = List.of();
	private long from;
	private long to;
	/** The pointer's x while it is over the chart, else -1. */
	private int hoverX = -1;
	/** What the last paint showed: the value axis's and the time axis's labels, and the hovered sample's value (empty when none). */
	final List<String> valueLabels = new ArrayList<>();
	final List<String> timeLabels = new ArrayList<>();
	String hoverText = "";
	/** The plot area of the last paint, inside the axes. */
	Rectangle plot = new Rectangle(0, 0, 0, 0);

	LineChart(Composite parent, Metric metric) {
		super(parent, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		this.metric = metric;
		ThemeColours.themed(this);
		addPaintListener(e -> paint(e.gc));
		addListener(SWT.MouseMove, e -> hover(e.x));
		addListener(SWT.MouseExit, e -> hover(-1));
	}

	void show(List<Sample> samples, long from, long to) {
		this.samples = samples;
		this.from = from;
		this.to = to;
		redraw();
	}

	private void hover(int x) {
		hoverX = x;
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
		Color background = getBackground();
		Color foreground = getForeground();
		Color grid = new Color(getDisplay(), Axes.mix(foreground.getRGB(), background.getRGB(), 0.18));
		Color line = new Color(getDisplay(), lineColour(getDisplay().getSystemColor(SWT.COLOR_LIST_SELECTION).getRGB(), background.getRGB()));
		try {
			gc.setBackground(background);
			gc.fillRectangle(0, 0, size.x, size.y);
			gc.setForeground(foreground);
			int lineHeight = gc.getFontMetrics().getHeight();
			gc.drawText(String.format(Locale.ROOT, "%s [%s]", metric.field(), metric.unit()), PAD, 2, true);

			double[] r = range(samples, metric);
			double step = Axes.step(r[0], r[1], MAX_VALUE_TICKS);
			List<Double> values = Axes.ticks(r[0], r[1], MAX_VALUE_TICKS);
			valueLabels.clear();
			values.forEach(v -> valueLabels.add(Axes.label(v, step)));
			int labelWidth = valueLabels.stream().mapToInt(l -> gc.textExtent(l).x).max().orElse(0);
			int left = PAD + labelWidth + PAD;
			int top = 2 + lineHeight + PAD;
			int bottom = size.y - PAD - lineHeight - PAD;
			plot = new Rectangle(left, top, Math.max(1, size.x - PAD - left), Math.max(1, bottom - top));

			gc.setForeground(grid);
			for (int i = 0; i < values.size(); i++) {
				int y = y(values.get(i), r);
				gc.drawLine(plot.x, y, plot.x + plot.width, y);
			}
			long timeStep = Axes.timeStep(from, to, MAX_TIME_TICKS);
			List<Long> times = to > from ? Axes.timeTicks(from, to, MAX_TIME_TICKS) : List.of();
			timeLabels.clear();
			for (long t : times) {
				gc.setForeground(grid);
				int x = x(t);
				gc.drawLine(x, plot.y, x, plot.y + plot.height);
				String label = Axes.timeLabel(t, timeStep);
				timeLabels.add(label);
				gc.setForeground(foreground);
				int w = gc.textExtent(label).x;
				gc.drawText(label, Math.max(plot.x, Math.min(x - w / 2, plot.x + plot.width - w)), bottom + PAD, true);
			}
			gc.setForeground(foreground);
			for (int i = 0; i < values.size(); i++) {
				String label = valueLabels.get(i);
				gc.drawText(label, left - PAD - gc.textExtent(label).x, y(values.get(i), r) - lineHeight / 2, true);
			}
			gc.drawLine(plot.x, plot.y, plot.x, plot.y + plot.height);
			gc.drawLine(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height);

			int[] points = new int[samples.size() * 2];
			int n = 0;
			Sample nearest = null;
			for (Sample s : samples) {
				if (s.get(metric).isPresent() && to > from) {
					points[n++] = x(s.epochMillis());
					points[n++] = y(s.get(metric).getAsDouble(), r);
					if (hoverX >= 0 && (nearest == null || Math.abs(points[n - 2] - hoverX) < Math.abs(x(nearest.epochMillis()) - hoverX))) {
						nearest = s;
					}
				}
			}
			gc.setForeground(line);
			gc.setLineWidth(2);
			gc.drawPolyline(java.util.Arrays.copyOf(points, n));
			gc.setLineWidth(1);
			hoverText = nearest == null ? "" : hovered(gc, nearest, r, foreground, background, line);
		} finally {
			grid.dispose();
			line.dispose();
		}
	}

	/** Marks the hovered sample and writes its time and value beside it; returns that text. */
	private String hovered(GC gc, Sample s, double[] r, Color foreground, Color background, Color line) {
		int x = x(s.epochMillis());
		int y = y(s.get(metric).getAsDouble(), r);
		String text = String.format(Locale.ROOT, "%s  %.1f %s", Axes.timeLabel(s.epochMillis(), 1_000), s.get(metric).getAsDouble(), metric.unit());
		gc.setForeground(foreground);
		gc.drawLine(x, plot.y, x, plot.y + plot.height);
		gc.setBackground(line);
		gc.fillOval(x - 3, y - 3, 7, 7);
		Point extent = gc.textExtent(text);
		int tx = x + extent.x + 2 * PAD < plot.x + plot.width ? x + PAD : x - PAD - extent.x;
		gc.setBackground(background);
		gc.fillRectangle(tx - 2, plot.y, extent.x + 4, extent.y);
		gc.drawText(text, tx, plot.y, true);
		return text;
	}

	/** The desktop's selection hue, as far from the theme's background as a line must be to be seen. */
	static RGB lineColour(RGB selection, RGB background) {
		return ThemeColours.readable(selection, background, ThemeColours.GRAPHICS);
	}

	private int x(long t) {
		return plot.x + (int) Math.round((t - from) * (double) plot.width / Math.max(1, to - from));
	}

	private int y(double v, double[] r) {
		return plot.y + plot.height - (int) Math.round((v - r[0]) * plot.height / (r[1] - r[0]));
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 300 : wHint, hHint == SWT.DEFAULT ? 140 : hHint);
	}
}
