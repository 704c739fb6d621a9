package dev.atelier.device.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/** The Devices view on the real device service with a simulated RTX 4090, in a plain shell. */
class DevicesPartTest {

	@Test
	void showsLeasesByOwnerPlansAndReleases() throws Exception {
		BundleContext context = FrameworkUtil.getBundle(DevicesPartTest.class).getBundleContext();
		DeviceService devices = Services.await(DevicesPartTest.class, DeviceService.class);
		SimulatedDevices simulated = Services.await(DevicesPartTest.class, SimulatedDevices.class);
		simulated.add("rtx4090");
		// the estimators of diffusion and the LLM, as installed
		Services.await(DevicesPartTest.class, WorkloadEstimator.class);
		List<WorkloadEstimator> estimators = context.getServiceReferences(WorkloadEstimator.class, null).stream().map(context::getService).toList();
		VramLease unet = devices.acquire("sim:rtx4090", LeaseRequest.of("sd15 unet", 6L << 30).evictable(l -> {
		}));
		VramLease llm = devices.acquire("sim:rtx4090", LeaseRequest.of("llama-7b q4_0", 5L << 30));

		RGB ink = new RGB(0, 0, 0);
		RGB paper = new RGB(255, 255, 255);
		List<VramBar.Segment> segments = VramBar.segments(devices.status("sim:rtx4090"), ink, paper);
		assertEquals("dev.atelier.device.ui", segments.get(0).label(), "leases are grouped by owner bundle");
		assertEquals(11L << 30, segments.get(0).bytes());
		assertEquals(24L << 30, segments.stream().mapToLong(VramBar.Segment::bytes).sum(), "the segments add up to the total");
		assertEquals("free", segments.get(segments.size() - 1).label());
		RGB darkFree = VramBar.segments(devices.status("sim:rtx4090"), new RGB(0xe4, 0xe6, 0xeb), new RGB(0x25, 0x27, 0x2b)).getLast().color();
		assertTrue(darkFree.red < 0x40 && segments.getLast().color().red > 0xe0, "free is a faint shade of the theme's background, dark in the dark theme: "
				+ darkFree + ", light in the light one: " + segments.getLast().color());

		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setText("Devices");
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 520);
		DevicesPart part = new DevicesPart(devices, estimators, simulated, new MemoryPreferences());
		part.create(shell);
		shell.open();
		try {
			assertEquals(2, part.leases.getTable().getItemCount());
			part.planSpecs.setText("sdxl@1024x1024x1 llm:7b:f16:ctx=4096");
			part.plan();
			assertTrue(part.planResult.getText().contains("does not fit"), part.planResult.getText());
			part.planSpecs.setText("sd15@512x512x1 llm:7b:q4_0:ctx=4096");
			part.plan();
			assertTrue(part.planResult.getText().contains(": fits"), part.planResult.getText());
			assertTrue(part.planResult.getText().matches("(?s)\\S+: \\d+\\.\\d\\d GiB needed of \\d+\\.\\d\\d GiB: fits.*weights \\d+\\.\\d\\d GiB .*"),
					"the planner speaks binary units: " + part.planResult.getText());
			assertFalse(part.planResult.getText().contains(" GB"), part.planResult.getText());
			Screenshots.save(shell, "devices.png");
			part.planSpecs.setText("sd15@500x500x1");
			part.plan();
			assertTrue(part.planResult.getText().startsWith("workload 'sd15@500x500x1'"), part.planResult.getText());

			VramLegend legend = part.legends.get(devices.devices().stream().map(d -> d.id()).toList().indexOf("sim:rtx4090"));
			List<String> entries = java.util.Arrays.stream(legend.getChildren()).map(e -> ((Label) ((Composite) e).getChildren()[1]).getText()).toList();
			assertEquals("dev.atelier.device.ui 11.00 GiB", entries.get(0), "the owner's segment, named with its size: " + entries);
			assertEquals(segments.size(), entries.size(), entries.toString());
			assertTrue(entries.get(entries.size() - 1).matches("free \\d+\\.\\d\\d GiB"), entries.toString());
			assertEquals("dev.atelier.device.ui: 11.00 GiB (45.8 %)", ((Composite) legend.getChildren()[0]).getChildren()[1].getToolTipText(),
					"hovering a legend entry gives its share");

			VramBar bar = part.bars.get(devices.devices().stream().map(d -> d.id()).toList().indexOf("sim:rtx4090"));
			assertEquals("", bar.hoverText, "no readout without the pointer");
			int[] edges = bar.edges(bar.getSize().x);
			Event move = new Event();
			move.x = (edges[0] + edges[1]) / 2;
			bar.notifyListeners(SWT.MouseMove, move);
			assertEquals("dev.atelier.device.ui: 11.00 GiB (45.8 %)", bar.hoverText, "the owner's segment under the pointer");
			assertEquals(bar.hoverText, bar.getToolTipText());
			move.x = bar.getSize().x - 2;
			bar.notifyListeners(SWT.MouseMove, move);
			assertTrue(bar.hoverText.matches("free: \\d+\\.\\d\\d GiB \\(\\d+\\.\\d %\\)"), "the free segment at the bar's end: " + bar.hoverText);
			bar.notifyListeners(SWT.MouseExit, new Event());
			assertEquals("", bar.hoverText);
			assertEquals(null, bar.getToolTipText());

			Control swatch = ((Composite) legend.getChildren()[0]).getChildren()[0];
			Image drawn = new Image(display, VramLegend.SWATCH, VramLegend.SWATCH);
			GC gc = new GC(drawn);
			try {
				swatch.print(gc);
				assertEquals(segments.get(0).color(), Screenshots.pixel(drawn, VramLegend.SWATCH / 2, VramLegend.SWATCH / 2), "the swatch has its segment's colour");
			} finally {
				gc.dispose();
				drawn.dispose();
			}

			part.leases.getTable().select(0);
			assertEquals(unet, part.leases.getStructuredSelection().getFirstElement());
			devices.evict(unet);
			assertEquals(LeaseState.EVICTED, unet.state());
		} finally {
			llm.close();
			shell.dispose();
		}
	}

	@Test
	void everyCardHasItsRowWithItsOwnLeases() throws Exception {
		DeviceService devices = Services.await(DevicesPartTest.class, DeviceService.class);
		SimulatedDevices simulated = Services.await(DevicesPartTest.class, SimulatedDevices.class);
		simulated.add("rtx4090");
		simulated.add("a6000");
		VramLease small = devices.acquire("sim:rtx4090", LeaseRequest.of("one half of a batch", 3L << 30));
		VramLease large = devices.acquire("sim:a6000", LeaseRequest.of("the other half", 5L << 30));
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 700);
		DevicesPart part = new DevicesPart(devices, List.of(), simulated, new MemoryPreferences());
		part.create(shell);
		shell.open();
		try {
			List<String> ids = devices.devices().stream().map(d -> d.id()).toList();
			assertEquals(ids.size(), part.bars.size(), "a bar per device: " + ids);
			assertEquals("dev.atelier.device.ui 3.00 GiB", firstEntry(part.legends.get(ids.indexOf("sim:rtx4090"))));
			assertEquals("dev.atelier.device.ui 5.00 GiB", firstEntry(part.legends.get(ids.indexOf("sim:a6000"))));
		} finally {
			small.close();
			large.close();
			shell.dispose();
		}
	}

	private static String firstEntry(VramLegend legend) {
		return ((Label) ((Composite) legend.getChildren()[0]).getChildren()[1]).getText();
	}

	@Test
	void aSimulatedCardAddedInTheViewIsKeptForTheNextStartOnce() throws Exception {
		DeviceService devices = Services.await(DevicesPartTest.class, DeviceService.class);
		SimulatedDevices simulated = Services.await(DevicesPartTest.class, SimulatedDevices.class);
		MemoryPreferences preferences = new MemoryPreferences();
		preferences.put(SimulatedDevices.PREFERENCE, "a6000");
		Shell shell = new Shell(Display.getDefault());
		shell.setLayout(new FillLayout());
		DevicesPart part = new DevicesPart(devices, List.of(), simulated, preferences);
		part.create(shell);
		try {
			part.simulate("rtx3090");
			part.simulate("rtx3090");
			assertEquals("a6000,rtx3090", preferences.get(SimulatedDevices.PREFERENCE, ""));
			assertTrue(devices.devices().stream().anyMatch(d -> d.id().equals("sim:rtx3090")), "the card is added now too");
		} finally {
			shell.dispose();
		}
	}

	@Test
	void inAShortStackTheLeaseTableKeepsRowsAndTheFormScrolls() throws Exception {
		DeviceService devices = Services.await(DevicesPartTest.class, DeviceService.class);
		SimulatedDevices simulated = Services.await(DevicesPartTest.class, SimulatedDevices.class);
		simulated.add("rtx4090");
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 220);
		DevicesPart part = new DevicesPart(devices, List.of(), simulated, new MemoryPreferences());
		part.create(shell);
		shell.open();
		try {
			ScrolledComposite scroll = (ScrolledComposite) shell.getChildren()[0];
			Displays.spinUntil(display, () -> scroll.getVerticalBar().getVisible());
			Table table = part.leases.getTable();
			assertTrue(table.getSize().y >= table.getHeaderHeight() + 6 * table.getItemHeight(),
					"the lease table has room for six rows: " + table.getSize());
		} finally {
			shell.dispose();
		}
	}

}
