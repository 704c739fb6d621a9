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
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

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
			assertEquals(display.getSystemColor(SWT.COLOR_DARK_RED), part.exported.getForeground());

			Path png = file.resolveSibling("power.png");
			exported = part.exportPng(png);
			Displays.spinUntil(display, exported::isDone);
			assertTrue(part.exported.getText().startsWith("Cannot write " + png + ": "), part.exported.getText());
		} finally {
			shell.dispose();
		}
	}

	/** A power service with one simulated device and the given history. */
	private static PowerService fake(List<Sample> history) {
		return new PowerService() {
			@Override
			public List<String> deviceIds() {
				return List.of("sim:rtx4090");
			}

			@Override
			public List<Sample> history(String id, long from, long to) {
				return history.stream().filter(s -> s.epochMillis() >= from && s.epochMillis() <= to).toList();
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
