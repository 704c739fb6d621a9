package dev.atelier.bench.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;
import dev.atelier.bench.BenchService;
import dev.atelier.bench.Timing;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.testing.FakeJobService;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.JobThreads;
import dev.atelier.testing.ui.Screenshots;

/** The Benchmarks view over a canned report, in a plain shell: run, compare with a saved run, save, cancel. */
class BenchPartTest {

	private static BenchResult result(String name, String group, double value, String unit) {
		return BenchResult.throughput(name, group, value * 1e9 * 1e-3, 1e9, unit, new Timing(1, 1, 1, 10), 0, null);
	}

	static final BenchReport REPORT = new BenchReport("2026-11-24T22:00:00Z", List.of("cuda:0  NVIDIA H100 80GB HBM3"),
			List.of(result("strided read, stride 1", "stride", 2107, "GB/s"), result("strided read, stride 8", "stride", 653, "GB/s"),
					result("random gather", "stride", 253, "GB/s"), result("gemm-fp16 4096", "gemm", 250, "TFLOP/s").withReferenceMillis(0.35)),
			List.of("gpu suite: skipped: nothing"), List.of(), "PyTorch (canned)");

	@Test
	void runsASuiteShowsItAndComparesWithASavedRun() throws Exception {
		String[] asked = new String[1];
		BenchService canned = new BenchService() {
			@Override
			public BenchReport run(String suite, String deviceId, int runs, boolean reference, JobContext job) {
				asked[0] = suite;
				return REPORT;
			}

			@Override
			public String html(BenchReport report) {
				return "<html>" + report.results().size() + "</html>";
			}
		};
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1100, 620);
		FakeJobService jobs = new FakeJobService();
		JobThreads threads = JobThreads.watch(jobs, display);
		BenchPart part = new BenchPart(canned, jobs, new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			part.suite.select(1);
			part.start();
			Displays.spinUntil(display, () -> part.report != null);
			assertEquals("gpu", asked[0]);
			assertEquals(4, part.table.getItemCount());
			assertEquals("0.35", part.table.getItem(3).getText(5), "gemm: 250 TFLOP/s against PyTorch's 714");
			assertTrue(part.status.getText().startsWith("4 results; gpu suite: skipped: nothing"), part.status.getText());
			assertTrue(part.run.getEnabled() && !part.cancel.getEnabled());

			Path dir = Screenshots.folder();
			BenchReport older = new BenchReport("2026-11-01T00:00:00Z", List.of(), List.of(result("gemm-fp16 4096", "gemm", 200, "TFLOP/s")), List.of(),
					List.of(), null);
			Path savedRun = dir.resolve("older-run.json");
			Files.writeString(savedRun, older.toJson());
			Displays.spinUntil(display, part.compareWith(savedRun)::isDone);
			assertEquals(false, threads.started().get("Benchmarks: read older-run.json"), "read in a job");
			assertEquals("200", part.table.getItem(3).getText(6));
			assertEquals("+25.0 %", part.table.getItem(3).getText(7));

			Path broken = dir.resolve("broken.json");
			Files.writeString(broken, "{\"results\": 7}");
			Displays.spinUntil(display, part.compareWith(broken)::isDone);
			assertTrue(part.status.getText().startsWith("Cannot compare with " + broken + ": " + broken + ": not an atelier bench report"),
					part.status.getText());

			Path json = dir.resolve("bench.json");
			Displays.spinUntil(display, part.save(json, BenchReport::toJson)::isDone);
			assertEquals("Saved " + json, part.status.getText());
			assertEquals(false, threads.started().get("Benchmarks: save bench.json"), "written in a job");
			assertEquals(REPORT, BenchReport.fromJson(Files.readString(json), "bench.json"));
			Screenshots.save(shell, "benchmarks.png");
		} finally {
			shell.dispose();
		}
	}

	@Test
	void aBarChartHasAValueAxisWithItsUnitAndPaintsInTheThemesColours() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(700, 200);
		BarChart chart = new BarChart(shell, "Bandwidth against stride");
		// the dark theme's colours, as its CSS gives them to every canvas
		chart.setBackground(new Color(display, 0x25, 0x27, 0x2b));
		chart.setForeground(new Color(display, 0xe4, 0xe6, 0xeb));
		shell.open();
		try {
			chart.show(REPORT.results().subList(0, 3), java.util.Map.of());
			Image drawn = new Image(display, chart.getSize().x, chart.getSize().y);
			GC gc = new GC(drawn);
			try {
				chart.print(gc);
				// 0 … 2107 GB/s
				assertEquals(List.of("0", "1000", "2000"), chart.valueLabels);
				assertEquals(new RGB(0x25, 0x27, 0x2b), Screenshots.pixel(drawn, chart.getSize().x - 4, chart.getSize().y - 4), "a dark background");
				int light = 0;
				for (int x = 2; x < 200; x++) {
					for (int y = 2; y < 18; y++) {
						RGB p = Screenshots.pixel(drawn, x, y);
						light += p.red + p.green + p.blue > 3 * 180 ? 1 : 0;
					}
				}
				assertTrue(light > 20, "the title is light on the dark background: " + light + " light pixels");
			} finally {
				gc.dispose();
				drawn.dispose();
			}
		} finally {
			shell.dispose();
		}
	}

	/** As the Devices view's VRAM bar: the bar under the pointer reads out its value, none without the pointer. */
	@Test
	void hoveringABarReadsOutItsValueAndASavedOrPyTorchBarItsRatioToThisRun() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(700, 300);
		BarChart chart = new BarChart(shell, "All");
		shell.open();
		try {
			BenchResult gemm = REPORT.results().get(3);
			chart.show(List.of(REPORT.results().get(0), gemm), java.util.Map.of("strided read, stride 1", result("strided read, stride 1", "stride", 1896.3, "GB/s")));
			Image drawn = new Image(display, chart.getSize().x, chart.getSize().y);
			GC gc = new GC(drawn);
			try {
				chart.print(gc);
			} finally {
				gc.dispose();
				drawn.dispose();
			}
			assertEquals("", chart.hoverText, "no readout without the pointer");
			List<String> read = new ArrayList<>();
			for (BarChart.Row row : chart.bars) {
				Event move = new Event();
				move.x = chart.getSize().x / 2;
				move.y = row.top() + row.height() / 2;
				chart.notifyListeners(SWT.MouseMove, move);
				read.add(chart.hoverText);
				assertEquals(chart.hoverText, chart.getToolTipText());
			}
			assertEquals(4, read.size(), read.toString());
			assertEquals("strided read, stride 1: 2107 GB/s", read.get(0));
			assertEquals("strided read, stride 1, saved run: 1896 GB/s (0.90× this run)", read.get(1));
			assertEquals("gemm-fp16 4096: 250.0 TFLOP/s", read.get(2));
			assertTrue(read.get(3).matches("gemm-fp16 4096, PyTorch: [0-9.]+ TFLOP/s \\([0-9.]+× this run\\)"), read.get(3));
			chart.notifyListeners(SWT.MouseExit, new Event());
			assertEquals("", chart.hoverText);
			assertEquals(null, chart.getToolTipText());
		} finally {
			shell.dispose();
		}
	}

	@Test
	void cancelStopsARunningSuite() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		BenchService slow = new BenchService() {
			@Override
			public BenchReport run(String suite, String deviceId, int runs, boolean reference, JobContext job) throws InterruptedException {
				started.countDown();
				while (true) {
					job.checkCancelled();
					Thread.sleep(5);
				}
			}

			@Override
			public String html(BenchReport report) {
				return "";
			}
		};
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		BenchPart part = new BenchPart(slow, new FakeJobService(), new DisplaySynchronize(display));
		part.create(shell);
		try {
			part.start();
			started.await();
			assertTrue(part.cancel.getEnabled() && !part.run.getEnabled());
			part.cancel.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
			Displays.spinUntil(display, () -> part.status.getText().equals("Cancelled."));
			assertTrue(part.run.getEnabled());
		} finally {
			shell.dispose();
		}
	}

	@Test
	void aSaveThatCannotBeWrittenSaysWhichFileInTheView() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		FakeJobService jobs = new FakeJobService();
		JobThreads threads = JobThreads.watch(jobs, display);
		BenchPart part = new BenchPart(new BenchService() {
			@Override
			public BenchReport run(String suite, String deviceId, int runs, boolean reference, JobContext job) {
				return REPORT;
			}

			@Override
			public String html(BenchReport report) {
				return "<html></html>";
			}
		}, jobs, new DisplaySynchronize(display));
		part.create(shell);
		try {
			part.show(REPORT);
			// a folder that cannot be made: its parent is a regular file
			Path file = Files.writeString(Screenshots.folder().resolve("a-regular-file"), "").resolve("bench.html");
			CompletableFuture<Path> saved = part.save(file, report -> "<html></html>");
			assertTrue(part.status.getText().startsWith("Saving bench.html"), "the view says so at once: " + part.status.getText());
			Displays.spinUntil(display, saved::isDone);
			assertTrue(saved.isCompletedExceptionally());
			assertTrue(part.status.getText().startsWith("Cannot write " + file + ": "), part.status.getText());
			assertEquals(false, threads.started().get("Benchmarks: save bench.html"), "written in a job");
		} finally {
			shell.dispose();
		}
	}
}
