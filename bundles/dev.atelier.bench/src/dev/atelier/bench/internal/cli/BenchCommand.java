package dev.atelier.bench.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchService;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobContext;

/** {@code atelier bench [--suite gpu|cpu|all] [--device ID] [--runs N] [--no-reference] [--json FILE] [--html FILE]}. */
@Component(service = Subcommand.class)
public final class BenchCommand implements Subcommand {

	private final BenchService bench;

	@Activate
	public BenchCommand(@Reference BenchService bench) {
		this.bench = bench;
	}

	@Override
	public String name() {
		return "bench";
	}

	@Override
	public String summary() {
		return "measure the GPU and CPU: bandwidth, transfers, GEMM, latency, against PyTorch where it is installed";
	}

	@Override
	public String usage() {
		return """
				usage: atelier bench [--suite gpu|cpu|all] [--device ID] [--runs N] [--no-reference] [--json FILE] [--html FILE]

				Runs the benchmark suites (default: all) and prints a table: value, % of the device's theoretical peak,
				and, where python3 with PyTorch and CUDA is installed, PyTorch's value for the same work in the same run
				and the ratio. The GPU suite runs on the first CUDA device (or --device ID) and is skipped without one.
				  --runs N        timed runs per benchmark after 3 warm-up runs (default 10); min/median/max are kept
				  --json FILE     the report as JSON ("results": name, value, unit, percentOfPeak, reference, ratio, …)
				  --html FILE     the report as an HTML page with charts""";
	}

	@Override
	public int run(CommandContext ctx) {
		String suite = "all";
		String device = null;
		int runs = 10;
		boolean reference = true;
		Path json = null;
		Path html = null;
		List<String> args = ctx.args();
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--suite" -> {
					suite = value(args, ++i, "--suite");
					if (!List.of("gpu", "cpu", "all").contains(suite)) {
						throw new IllegalArgumentException("--suite must be gpu, cpu or all, not '" + suite + "'");
					}
				}
				case "--device" -> device = value(args, ++i, "--device");
				case "--runs" -> runs = positive(value(args, ++i, "--runs"));
				case "--no-reference" -> reference = false;
				case "--json" -> json = Path.of(value(args, ++i, "--json"));
				case "--html" -> html = Path.of(value(args, ++i, "--html"));
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier bench --help)");
				}
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier bench: " + e.getMessage());
			return 2;
		}
		BenchReport report;
		try {
			report = bench.run(suite, device, runs, reference, progress(ctx));
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier bench: " + e.getMessage());
			return 2;
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

	private static String value(List<String> args, int i, String option) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args.get(i);
	}

	private static int positive(String text) {
		try {
			int v = Integer.parseInt(text);
			if (v > 0) {
				return v;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("--runs must be a positive whole number, not '" + text + "'");
	}
}
