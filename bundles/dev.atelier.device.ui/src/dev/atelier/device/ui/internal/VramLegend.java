package dev.atelier.device.ui.internal;

import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;

import dev.atelier.device.plan.Workloads;
import dev.atelier.ui.ThemeColours;

/** The VRAM bar's legend: each segment's colour, name and size (its share on hover), in the bar's order, wrapping as the view narrows. */
final class VramLegend extends Composite {

	static final int SWATCH = 12;

	private List<VramBar.Segment> shown = List.of();

	VramLegend(Composite parent) {
		super(parent, SWT.NONE);
		ThemeColours.themed(this);
		RowLayout layout = new RowLayout(SWT.HORIZONTAL);
		layout.wrap = true;
		layout.center = true;
		layout.spacing = 14;
		layout.marginLeft = 0;
		setLayout(layout);
	}

	/** Shows these segments; the entries are made again only when the owners or colours change, else their sizes are updated. */
	void show(List<VramBar.Segment> segments) {
		boolean same = segments.size() == shown.size();
		for (int i = 0; same && i < segments.size(); i++) {
			same = segments.get(i).label().equals(shown.get(i).label()) && segments.get(i).color().equals(shown.get(i).color());
		}
		if (!same) {
			for (Control c : getChildren()) {
				c.dispose();
			}
			segments.forEach(this::entry);
		}
		Control[] entries = getChildren();
		long total = segments.stream().mapToLong(VramBar.Segment::bytes).sum();
		for (int i = 0; i < segments.size(); i++) {
			Control[] parts = ((Composite) entries[i]).getChildren();
			((Label) parts[1]).setText(text(segments.get(i)));
			// hovering an entry, as hovering its segment, gives its share of the device
			String readout = VramBar.readout(segments.get(i), total);
			parts[0].setToolTipText(readout);
			parts[1].setToolTipText(readout);
		}
		shown = List.copyOf(segments);
		layout(true, true);
	}

	static String text(VramBar.Segment s) {
		return s.label() + " " + Workloads.gib(s.bytes());
	}

	private void entry(VramBar.Segment s) {
		Composite entry = new Composite(this, SWT.NONE);
		GridLayout layout = new GridLayout(2, false);
		layout.marginWidth = 0;
		layout.marginHeight = 0;
		entry.setLayout(layout);
		Canvas swatch = new Canvas(entry, SWT.NONE);
		swatch.setLayoutData(new GridData(SWATCH, SWATCH));
		swatch.addPaintListener(e -> {
			Color color = new Color(e.display, s.color());
			e.gc.setBackground(color);
			e.gc.fillRectangle(0, 0, SWATCH, SWATCH);
			e.gc.setForeground(e.display.getSystemColor(SWT.COLOR_WIDGET_NORMAL_SHADOW));
			e.gc.drawRectangle(0, 0, SWATCH - 1, SWATCH - 1);
			color.dispose();
		});
		new Label(entry, SWT.NONE);
	}
}
