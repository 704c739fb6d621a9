package dev.atelier.cli.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.core.DoctorCheck.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier doctor [--json]}: every {@link DoctorCheck} service's findings, each problem with its fix. */
@Component(service = Subcommand.class)
public final class DoctorCommand implements Subcommand {

	@Reference(policyOption = ReferencePolicyOption.GREEDY)
	volatile List<DoctorCheck> checks = List.of();

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
			List<Finding> findings = examine(checks, ctx.environment());
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

	/** The checks' findings in their order; a check that throws is itself a finding, so that the others still report. */
	static List<Finding> examine(List<DoctorCheck> checks, AtelierEnvironment environment) {
		List<Finding> findings = new ArrayList<>();
		for (DoctorCheck check : checks.stream().sorted(Comparator.comparingInt(DoctorCheck::order)).toList()) {
			try {
				findings.addAll(check.run(environment));
			} catch (RuntimeException | LinkageError e) {
				findings.add(Finding.problem(check.getClass().getSimpleName(), "the check itself failed: " + Dispatcher.describe(e),
						"report this as a bug of Atelier, with the log under " + environment.paths().logsDir()));
			}
		}
		return findings;
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
