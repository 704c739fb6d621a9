package dev.atelier.bench.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchService;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier bench [--suite gpu|cpu|all] [--device ID] [--runs N] [--no-reference] [--json FILE] [--html FILE]}. */
@Component(service = Subcommand.class)
public final class BenchCommand implements Subcommand {

	private final BenchService bench;

	@Activate
	public BenchCommand(@Reference BenchService bench) {
		this.bench = bench;
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Bench(ctx);
	}

	/** The suites of {@code --suite}. */
	enum Suite {
		gpu, cpu, all
	}

	@Command(name = "bench", header = "measure the GPU and CPU: bandwidth, transfers, GEMM, latency, against PyTorch where it is installed", description = {
			"Runs the benchmark suites and prints a table: value, % of the device's theoretical peak, and, where python3 with PyTorch and CUDA is "
					+ "installed, PyTorch's value for the same work in the same run and the ratio. The GPU suite runs on the first CUDA device "
					+ "(or --device ID) and is skipped without one." })
	private final class Bench implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--suite", paramLabel = "gpu|cpu|all", description = "the suites to run (default: all)")
		private Suite suite = Suite.all;

		@Option(names = "--device", paramLabel = "ID", description = "the GPU suite's device, as atelier devices lists it (default: the first CUDA device)")
		private DeviceId device;

		@Option(names = "--runs", paramLabel = "N", description = "timed runs per benchmark after 3 warm-up runs (default 10); min/median/max are kept")
		private int runs = 10;

		@Option(names = "--no-reference", description = "do not run the PyTorch reference")
		private boolean noReference;

		@Option(names = "--json", paramLabel = "FILE", description = "the report as JSON (\"results\": name, value, unit, percentOfPeak, reference, ratio, …)")
		private Path json;

		@Option(names = "--html", paramLabel = "FILE", description = "the report as an HTML page with charts")
		private Path html;

		Bench(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			UsageException.atLeast(1, runs, "--runs");
			if (json != null) {
				UsageException.writableFile(json, "--json");
			}
			if (html != null) {
				UsageException.writableFile(html, "--html");
			}
			BenchReport report;
			try {
				report = bench.run(suite.name(), device == null ? null : device.id(), runs, !noReference, progress(ctx));
			} catch (IllegalArgumentException e) { // a device the service does not have
				throw new UsageException(e.getMessage());
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				ctx.err().println("atelier bench: interrupted");
				return 1;
			}
			ctx.out().print(report.table());
			try {
				if (json != null) {
					byte[] bytes = report.toJson().getBytes(StandardCharsets.UTF_8);
					AtomicFiles.write(json, out -> out.write(bytes));
				}
				if (html != null) {
					byte[] bytes = bench.html(report).getBytes(StandardCharsets.UTF_8);
					AtomicFiles.write(html, out -> out.write(bytes));
				}
			} catch (IOException e) {
				ctx.err().println("atelier bench: cannot write the report: " + e.getMessage());
				return 1;
			}
			report.failures().forEach(f -> ctx.err().println("atelier bench: failed: " + f));
			return report.failures().isEmpty() ? 0 : 1;
		}
	}

	/** Progress on standard error, one line per unit of work begun. */
	private static JobContext progress(CommandContext ctx) {
		return new JobContext() {
			private String task = "";
			private long total;
			private long done;

			@Override
			public void begin(String name, long totalWork) {
				task = name;
				total = totalWork;
				done = 0;
				ctx.err().println("bench: " + name);
			}

			@Override
			public void worked(long steps) {
				done += steps;
				if (total > 0) {
					ctx.err().printf("bench: %s %d/%d%n", task, done, total);
				}
			}

			@Override
			public boolean isCancelled() {
				return false;
			}
		};
	}
}
