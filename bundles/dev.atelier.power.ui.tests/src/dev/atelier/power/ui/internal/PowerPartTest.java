package dev.atelier.power.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

import dev.atelier.ui.ThemeColours;
import dev.atelier.power.Metric;
import dev.atelier.power.PowerService;
import dev.atelier.power.Sample;
import dev.atelier.testing.FakeJobService;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.JobThreads;
import dev.atelier.testing.ui.Screenshots;

/** The Power view over a minute of synthetic history, in a plain shell; exports CSV and PNG. */
class PowerPartTest {

	@Test
	void chartsTheHistoryAndExportsIt() throws Exception {
		long now = System.currentTimeMillis();
		List<Sample> minute = new ArrayList<>();
		for (long t = now - 50_000; t <= now; t += 250) { // inside the 1 min window for the test's duration
			double load = (1 - Math.cos(2 * Math.PI * (t - now) / 30_000.0)) / 2;
			minute.add(new Sample("sim:rtx4090", "RTX 4090", t, Map.of(Metric.POWER_DRAW, 25 + 425 * load, Metric.ENFORCED_POWER_LIMIT, 450.0,
					Metric.TEMPERATURE_GPU, 35 + 40 * load, Metric.CLOCKS_SM, 210 + 2310 * load, Metric.UTILIZATION_GPU, 100 * load,
					Metric.MEMORY_USED, 2000 + 10000 * load, Metric.CLOCKS_EVENT_REASONS, load > 0.97 ? 4.0 : 0.0)));
		}
		PowerService fake = fake(minute);
		assertEquals(450 * 1.1, LineChart.range(minute, Metric.POWER_DRAW)[1], 1e-6, "the y axis reaches above the highest value");
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 420);
		FakeJobService jobs = new FakeJobService();
		JobThreads threads = JobThreads.watch(jobs, display);
		PowerPart part = new PowerPart(fake, jobs, new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			part.refresh();
			assertEquals(5, part.charts.size());
			assertTrue(part.current.getText().contains(" W of 450 W"), part.current.getText());
			assertEquals("NVML (libnvidia-ml.so.1) is not available: no NVIDIA driver\nShown: sim:rtx4090.", part.absent.getText(),
					"without NVML the view says so and shows the other sources");
			Displays.settle(display, Duration.ofSeconds(1));
			Path dir = Screenshots.folder();
			Path csv = dir.resolve("power.csv");
			CompletableFuture<Path> exported = part.exportCsv(csv);
			Displays.spinUntil(display, exported::isDone);
			assertEquals("Exported power.csv", part.exported.getText());
			assertEquals(false, threads.started().get("Power: export power.csv"), "written in a job");
			List<String> lines = Files.readAllLines(csv);
			assertTrue(lines.get(0).startsWith("timestamp, index, name, power.draw"), lines.get(0));
			assertEquals(minute.size() + 1, lines.size(), "all 50 s of history and a header");
			Path png = dir.resolve("power.png");
			exported = part.exportPng(png);
			Displays.spinUntil(display, exported::isDone);
			assertEquals(false, threads.started().get("Power: export power.png"), "written in a job");
			assertTrue(Files.size(png) > 5_000, "the PNG has content");
		} finally {
			shell.dispose();
		}
	}

	@Test
	void aChartHasAValueAxisClockLabelsAGridInTheThemesColoursAndShowsTheValueUnderThePointer() throws Exception {
		// a window whose start is 7.5 s past a 15 s boundary, so that no time grid line lies at the axes' edges
		long now = 1_764_000_007_500L;
		List<Sample> samples = new ArrayList<>();
		for (long t = now - 50_000; t <= now; t += 1000) {
			samples.add(new Sample("sim:rtx4090", "RTX 4090", t, Map.of(Metric.POWER_DRAW, 100 + 3.5 * ((t - now + 50_000) / 1000))));
		}
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(600, 260);
		LineChart chart = new LineChart(shell, Metric.POWER_DRAW);
		shell.open();
		try {
			chart.show(samples, now - 60_000, now);
			Image drawn = print(chart);
			try {
				// 0 … 302.5 W (10 % above the highest, 275 W): round values
				assertEquals(List.of("0", "100", "200", "300"), chart.valueLabels);
				assertTrue(chart.timeLabels.size() >= 4 && chart.timeLabels.stream().allMatch(l -> l.matches("\\d\\d:\\d\\d:(00|15|30|45)")),
						"a clock label every 15 s of the minute: " + chart.timeLabels);
				RGB background = chart.getBackground().getRGB();
				int between = chart.plot.y + chart.plot.height - (int) Math.round(150 * chart.plot.height / 302.5);
				assertEquals(background, Screenshots.pixel(drawn, chart.plot.x + chart.plot.width - 2, between), "the theme's background");
				int gridY = chart.plot.y + chart.plot.height - (int) Math.round(200 * chart.plot.height / 302.5);
				// a line may fall across two rows of pixels: the faint grid colour is between the background and the foreground
				RGB foreground = chart.getForeground().getRGB();
				List<RGB> across = List.of(Screenshots.pixel(drawn, chart.plot.x + 3, gridY - 1), Screenshots.pixel(drawn, chart.plot.x + 3, gridY),
						Screenshots.pixel(drawn, chart.plot.x + 3, gridY + 1));
				assertTrue(across.stream().anyMatch(p -> !p.equals(background) && distance(p, background) < distance(foreground, background) / 2),
						"the 200 W grid line, faint in the theme's foreground " + foreground + " over " + background + ": " + across);
			} finally {
				drawn.dispose();
			}
			assertEquals("", chart.hoverText, "no value without the pointer");
			Event move = new Event();
			move.x = chart.plot.x + chart.plot.width / 2;
			chart.notifyListeners(SWT.MouseMove, move);
			print(chart).dispose();
			assertTrue(chart.hoverText.matches("\\d\\d:\\d\\d:\\d\\d  \\d+\\.\\d W"), chart.hoverText);
			double shown = Double.parseDouble(chart.hoverText.split("  ")[1].replace(" W", ""));
			assertTrue(shown > 100 && shown < 275, "the value of a sample mid-window: " + chart.hoverText);
			chart.notifyListeners(SWT.MouseExit, new Event());
			print(chart).dispose();
			assertEquals("", chart.hoverText);
		} finally {
			shell.dispose();
		}
	}

	private static int distance(RGB a, RGB b) {
		return Math.abs(a.red - b.red) + Math.abs(a.green - b.green) + Math.abs(a.blue - b.blue);
	}

	/** The chart as it paints itself. */
	private static Image print(LineChart chart) {
		Image image = new Image(chart.getDisplay(), chart.getSize().x, chart.getSize().y);
		GC gc = new GC(image);
		try {
			chart.print(gc);
		} finally {
			gc.dispose();
		}
		return image;
	}

	@Test
	void anExportThatCannotBeWrittenSaysWhichFileInRed() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(900, 300);
		PowerPart part = new PowerPart(fake(List.of()), new FakeJobService(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			// a folder that cannot be made: its parent is a regular file
			Path file = Files.writeString(Screenshots.folder().resolve("a-regular-file"), "").resolve("power.csv");
			CompletableFuture<Path> exported = part.exportCsv(file);
			assertEquals("Exporting power.csv…", part.exported.getText(), "the view says so at once");
			Displays.spinUntil(display, exported::isDone);
			assertTrue(exported.isCompletedExceptionally());
			assertTrue(part.exported.getText().startsWith("Cannot write " + file + ": "), part.exported.getText());
			assertTrue(ThemeColours.isProblem(part.exported), "in the theme's problem colour");

			Path png = file.resolveSibling("power.png");
			exported = part.exportPng(png);
			Displays.spinUntil(display, exported::isDone);
			assertTrue(part.exported.getText().startsWith("Cannot write " + png + ": "), part.exported.getText());
		} finally {
			shell.dispose();
		}
	}

	@Test
	void withTwoCardsEachIsListedAndTheirDrawIsShownTogether() throws Exception {
		long now = System.currentTimeMillis();
		List<Sample> samples = new ArrayList<>();
		for (long t = now - 10_000; t <= now; t += 1000) {
			samples.add(new Sample("sim:a6000", "RTX A6000", t, Map.of(Metric.POWER_DRAW, 280.0, Metric.ENFORCED_POWER_LIMIT, 300.0)));
			samples.add(new Sample("sim:rtx4090", "RTX 4090", t, Map.of(Metric.POWER_DRAW, 430.0, Metric.ENFORCED_POWER_LIMIT, 450.0)));
		}
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 420);
		PowerPart part = new PowerPart(fake(List.of("sim:a6000", "sim:rtx4090"), samples), new FakeJobService(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			part.refresh();
			assertEquals(List.of("sim:a6000", "sim:rtx4090"), List.of(part.device.getItems()), "every card can be chosen");
			assertEquals("sim:a6000 280 W, sim:rtx4090 430 W; 710 W together", part.cards.getText());
			assertTrue(part.cards.isVisible());
			assertTrue(part.current.getText().startsWith("280 W of 300 W"), part.current.getText());
			part.device.select(1);
			part.refresh();
			assertTrue(part.current.getText().startsWith("430 W of 450 W"), "the second card's charts: " + part.current.getText());
		} finally {
			shell.dispose();
		}
		Shell alone = new Shell(display);
		alone.setLayout(new FillLayout());
		PowerPart one = new PowerPart(fake(List.of()), new FakeJobService(), new DisplaySynchronize(display));
		one.create(alone);
		try {
			assertEquals("", one.cards.getText());
			assertTrue(!one.cards.isVisible(), "one card needs no sum");
		} finally {
			alone.dispose();
		}
	}

	/** A power service with one simulated device and the given history. */
	private static PowerService fake(List<Sample> history) {
		return fake(List.of("sim:rtx4090"), history);
	}

	/** A power service with these devices and the given history of them all. */
	private static PowerService fake(List<String> ids, List<Sample> history) {
		return new PowerService() {
			@Override
			public List<String> deviceIds() {
				return ids;
			}

			@Override
			public List<Sample> history(String id, long from, long to) {
				return history.stream().filter(s -> s.deviceId().equals(id) && s.epochMillis() >= from && s.epochMillis() <= to).toList();
			}

			@Override
			public Map<String, String> lostDevices() {
				return Map.of();
			}

			@Override
			public List<String> absentSources() {
				return List.of("NVML (libnvidia-ml.so.1) is not available: no NVIDIA driver");
			}
		};
	}

}
