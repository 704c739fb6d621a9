package dev.atelier.device.ui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.device.DeviceStatus;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.Workloads;
import dev.atelier.ui.Axes;
import dev.atelier.ui.ThemeColours;

/**
 * A horizontal bar of a device's memory: one segment per lease owner, then used by others, headroom, free. The
 * segment under the pointer is outlined and its name, size and share shown as the bar's tooltip.
 */
final class VramBar extends Canvas {

	/** A part of the bar; {@code label} names an owner or one of "other programs", "headroom", "free". */
	record Segment(String label, long bytes, RGB color) {
	}

	private static final RGB[] OWNER_COLORS = { new RGB(66, 133, 244), new RGB(219, 68, 55), new RGB(244, 180, 0), new RGB(15, 157, 88),
			new RGB(171, 71, 188), new RGB(0, 172, 193), new RGB(255, 112, 67), new RGB(158, 157, 36) };

	private List<Segment> segments = List.of();
	/** The pointer's x while it is over the bar, else -1. */
	private int hoverX = -1;
	/** The hovered segment's readout (empty when none), as the tooltip shows it. */
	String hoverText = "";

	VramBar(Composite parent) {
		super(parent, SWT.DOUBLE_BUFFERED);
		ThemeColours.themed(this);
		addPaintListener(e -> paint(e.gc));
		addListener(SWT.MouseMove, e -> hover(e.x));
		addListener(SWT.MouseExit, e -> hover(-1));
	}

	void show(DeviceStatus status) {
		segments = segments(status, getForeground().getRGB(), getBackground().getRGB());
		hover(hoverX);
	}

	private void hover(int x) {
		hoverX = x;
		Segment under = x < 0 ? null : at(x, getSize().x);
		hoverText = under == null ? "" : readout(under, segments.stream().mapToLong(Segment::bytes).sum());
		setToolTipText(hoverText.isEmpty() ? null : hoverText);
		redraw();
	}

	/** A segment's name, size and share of the device. */
	static String readout(Segment s, long total) {
		return String.format(java.util.Locale.ROOT, "%s: %s (%.1f %%)", s.label(), Workloads.gib(s.bytes()), total == 0 ? 0.0 : 100.0 * s.bytes() / total);
	}

	/** The segment drawn at {@code x} on a bar {@code width} pixels wide, or null. */
	Segment at(int x, int width) {
		int[] edges = edges(width);
		for (int i = 0; i < segments.size(); i++) {
			if (x >= edges[i] && x < edges[i + 1]) {
				return segments.get(i);
			}
		}
		return null;
	}

	/** Where each segment starts, and the bar's end, in pixels. */
	int[] edges(int width) {
		long total = segments.stream().mapToLong(Segment::bytes).sum();
		int[] edges = new int[segments.size() + 1];
		long sum = 0;
		for (int i = 0; i < segments.size(); i++) {
			sum += segments.get(i).bytes();
			edges[i + 1] = total == 0 ? 0 : (int) Math.round(width * (double) sum / total);
		}
		return edges;
	}

	/** The segments last shown. */
	List<Segment> segments() {
		return segments;
	}

	/**
	 * Leases grouped by owner bundle, then memory that is neither leased nor free (other programs, the driver),
	 * the headroom, and what a lease could still get. The segments add up to the device's total. The owners have
	 * hues of their own, each brought to a 3:1 contrast with the theme's background; the rest are shades between the
	 * theme's foreground and background, free the faintest.
	 */
	static List<Segment> segments(DeviceStatus status, RGB foreground, RGB background) {
		Map<String, Long> byOwner = new LinkedHashMap<>();
		for (VramLease lease : status.leases()) {
			byOwner.merge(lease.owner().bundle(), lease.bytes(), Long::sum);
		}
		List<Segment> out = new ArrayList<>();
		int i = 0;
		long leased = 0;
		for (Map.Entry<String, Long> e : byOwner.entrySet()) {
			out.add(new Segment(e.getKey(), e.getValue(), ThemeColours.readable(OWNER_COLORS[i++ % OWNER_COLORS.length], background, ThemeColours.GRAPHICS)));
			leased += e.getValue();
		}
		long total = status.device().totalBytes();
		long headroom = Math.min(status.headroomBytes(), Math.max(0, total - leased));
		long free = Math.max(0, Math.min(status.budgetBytes(), total - leased - headroom));
		long others = Math.max(0, total - leased - headroom - free);
		if (others > 0) {
			out.add(new Segment("other programs and the driver", others, Axes.mix(foreground, background, 0.55)));
		}
		out.add(new Segment("headroom", headroom, Axes.mix(foreground, background, 0.3)));
		out.add(new Segment("free", free, Axes.mix(foreground, background, 0.08)));
		return out;
	}

	private void paint(GC gc) {
		Point size = getSize();
		int[] edges = edges(size.x);
		for (int i = 0; i < segments.size(); i++) {
			Color color = new Color(getDisplay(), segments.get(i).color());
			gc.setBackground(color);
			gc.fillRectangle(edges[i], 0, edges[i + 1] - edges[i], size.y);
			color.dispose();
		}
		Color border = new Color(getDisplay(), Axes.mix(getForeground().getRGB(), getBackground().getRGB(), 0.5));
		gc.setForeground(border);
		gc.drawRectangle(0, 0, size.x - 1, size.y - 1);
		border.dispose();
		Segment under = hoverX < 0 ? null : at(hoverX, size.x);
		if (under != null) {
			int i = segments.indexOf(under);
			gc.setForeground(getForeground());
			gc.setLineWidth(2);
			gc.drawRectangle(edges[i] + 1, 1, Math.max(1, edges[i + 1] - edges[i] - 2), size.y - 2);
			gc.setLineWidth(1);
		}
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 300 : wHint, hHint == SWT.DEFAULT ? 18 : hHint);
	}
}
