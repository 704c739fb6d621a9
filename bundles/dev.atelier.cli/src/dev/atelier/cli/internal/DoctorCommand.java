package dev.atelier.cli.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Durations;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.core.DoctorCheck.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier doctor [--json]}: every {@link DoctorCheck} service's findings, each problem with its fix. */
@Component(service = Subcommand.class)
public final class DoctorCommand implements Subcommand {

	/** Longer than any check takes on a working machine (the OpenGL probe starts a display connection). */
	static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

	/** How often a running check's time is looked at. */
	private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	@Reference(policyOption = ReferencePolicyOption.GREEDY)
	volatile List<DoctorCheck> checks = List.of();

	/** What the checks' time is measured with; tests move a clock of their own. */
	LongSupplier clock = System::nanoTime;
	Duration checkTimeout = CHECK_TIMEOUT;

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Doctor(ctx);
	}

	@Command(name = "doctor", header = "checks the driver, CUDA, GPUs, NVML, cuBLAS/cuDNN, OpenGL, disk and plugins, with a fix for each problem",
			description = { "Runs every installed check and prints what it found; a problem is printed with what it costs and its fix. "
					+ "Exits 0 whatever was found: problems are findings, not failures." })
	private final class Doctor implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--json", description = "one JSON object: {\"problems\": N, \"findings\": [{subject, ok, detail, fix}]}")
		private boolean json;

		Doctor(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			List<Finding> findings = examine(checks, ctx.environment(), checkTimeout, clock);
			long problems = findings.stream().filter(f -> !f.ok()).count();
			if (json) {
				Map<String, Object> doc = new LinkedHashMap<>();
				doc.put("problems", problems);
				doc.put("findings", findings.stream().map(DoctorCommand::json).toList());
				ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(doc));
				return Dispatcher.OK;
			}
			int width = findings.stream().mapToInt(f -> f.subject().length()).max().orElse(0);
			for (Finding f : findings) {
				ctx.out().printf("%-7s  %-" + width + "s  %s%n", f.ok() ? "ok" : "PROBLEM", f.subject(), f.detail());
				if (!f.ok()) {
					ctx.out().printf("%-7s  %-" + width + "s  fix: %s%n", "", "", f.fix());
				}
			}
			ctx.out().println(problems == 0 ? "no problems found" : problems + " problem(s) found; each has its fix above");
			return Dispatcher.OK;
		}
	}

	/**
	 * The checks' findings in their order. A check that throws, or has not finished after {@code timeout} by
	 * {@code clock} (a driver or display that never answers), is itself a finding naming it, so that the others still
	 * report; a check left hanging runs on in a daemon thread of its own and cannot hold the process.
	 */
	static List<Finding> examine(List<DoctorCheck> checks, AtelierEnvironment environment, Duration timeout, LongSupplier clock) {
		List<Finding> findings = new ArrayList<>();
		for (DoctorCheck check : checks.stream().sorted(Comparator.comparingInt(DoctorCheck::order)).toList()) {
			FutureTask<List<Finding>> task = new FutureTask<>(() -> check.run(environment));
			long start = clock.getAsLong(); // before the check runs: its time is all counted
			Thread.ofPlatform().daemon().name("atelier-doctor-" + check.name()).start(task);
			try {
				findings.addAll(await(task, start, timeout, clock));
			} catch (TimeoutException e) {
				task.cancel(true);
				findings.add(Finding.problem(check.name(), "the check did not finish within " + Durations.format(timeout)
						+ ": what it looks at (a driver, the display) does not answer; its findings are missing",
						"run atelier doctor again; if this check hangs again, restart the machine (a stuck driver) or check the display, "
								+ "and see the log under " + environment.paths().logsDir()));
			} catch (ExecutionException e) {
				if (e.getCause() instanceof Error error && !(error instanceof LinkageError)) {
					throw error; // out of memory and the like: the command's own failure, as before checks had threads
				}
				findings.add(Finding.problem(check.name(), "the check itself failed: " + Dispatcher.describe(e.getCause()),
						"report this as a bug of Atelier, with the log under " + environment.paths().logsDir()));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				task.cancel(true);
				break;
			}
		}
		return findings;
	}

	/** The task's result once it finished; TimeoutException once {@code timeout} passed by {@code clock} since {@code start}. */
	private static List<Finding> await(FutureTask<List<Finding>> task, long start, Duration timeout, LongSupplier clock)
			throws TimeoutException, ExecutionException, InterruptedException {
		while (true) {
			try {
				return task.get(SLICE_NANOS, TimeUnit.NANOSECONDS);
			} catch (TimeoutException e) {
				if (clock.getAsLong() - start >= timeout.toNanos()) {
					throw e;
				}
			}
		}
	}

	private static Map<String, Object> json(Finding f) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("subject", f.subject());
		m.put("ok", f.ok());
		m.put("detail", f.detail());
		m.put("fix", f.fix());
		return m;
	}
}
