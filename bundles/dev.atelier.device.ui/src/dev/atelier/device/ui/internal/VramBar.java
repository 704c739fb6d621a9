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

/** A horizontal bar of a device's memory: one segment per lease owner, then used by others, headroom, free. */
final class VramBar extends Canvas {

	/** A part of the bar; {@code label} names an owner or one of "other programs", "headroom", "free". */
	record Segment(String label, long bytes, RGB color) {
	}

	private static final RGB[] OWNER_COLORS = { new RGB(66, 133, 244), new RGB(219, 68, 55), new RGB(244, 180, 0), new RGB(15, 157, 88),
			new RGB(171, 71, 188), new RGB(0, 172, 193), new RGB(255, 112, 67), new RGB(158, 157, 36) };

	private List<Segment> segments = List.of();

	VramBar(Composite parent) {
		super(parent, SWT.DOUBLE_BUFFERED);
		addPaintListener(e -> paint(e.gc));
	}

	void show(DeviceStatus status) {
		segments = segments(status, getForeground().getRGB(), getBackground().getRGB());
		setToolTipText(String.join("\n", segments.stream().map(s -> s.label() + ": " + Workloads.gib(s.bytes())).toList()));
		redraw();
	}

	/** The segments last shown. */
	List<Segment> segments() {
		return segments;
	}

	/**
	 * Leases grouped by owner bundle, then memory that is neither leased nor free (other programs, the driver),
	 * the headroom, and what a lease could still get. The segments add up to the device's total. The owners have
	 * colours of their own; the rest are shades between the theme's foreground and background, free the faintest.
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
			out.add(new Segment(e.getKey(), e.getValue(), OWNER_COLORS[i++ % OWNER_COLORS.length]));
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
		long total = segments.stream().mapToLong(Segment::bytes).sum();
		int x = 0;
		for (Segment s : segments) {
			int w = total == 0 ? 0 : (int) Math.round(size.x * (double) s.bytes() / total);
			Color color = new Color(getDisplay(), s.color());
			gc.setBackground(color);
			gc.fillRectangle(x, 0, w, size.y);
			color.dispose();
			x += w;
		}
		Color border = new Color(getDisplay(), Axes.mix(getForeground().getRGB(), getBackground().getRGB(), 0.5));
		gc.setForeground(border);
		gc.drawRectangle(0, 0, size.x - 1, size.y - 1);
		border.dispose();
	}

	@Override
	public Point computeSize(int wHint, int hHint, boolean changed) {
		return new Point(wHint == SWT.DEFAULT ? 300 : wHint, hHint == SWT.DEFAULT ? 18 : hHint);
	}
}
