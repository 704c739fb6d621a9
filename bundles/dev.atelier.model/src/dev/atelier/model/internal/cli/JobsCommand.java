package dev.atelier.model.internal.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.JobRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier jobs [--json]}: the workspace's job records, newest first, whichever process ran them. */
@Component(service = Subcommand.class)
public final class JobsCommand implements Subcommand {

	private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

	private final WorkspaceManager workspace;

	@Activate
	public JobsCommand(@Reference WorkspaceManager workspace) {
		this.workspace = workspace;
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Jobs(ctx);
	}

	@Command(name = "jobs", header = "list the workspace's job records, newest first", description = {
			"Every job that ran in this workspace, from the IDE, a CLI or atelier serve: when, what, where, how it ended, the energy it "
					+ "cost where measured, and the files it wrote." })
	private final class Jobs implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--json", description = { "a JSON array of objects: id, kind, device, status, start, end (ISO-8601), energyJoules, "
				+ "averageWatts, peakWatts (null where not measured), outputs, parameters, message" })
		private boolean json;

		Jobs(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			List<Map<String, Object>> records = workspace.read(ws -> {
				List<JobRecord> newestFirst = new ArrayList<>(ws.getJobs());
				newestFirst.sort(Comparator.comparing((JobRecord r) -> r.getStart() == null ? 0L : r.getStart().getTime()).reversed());
				return newestFirst.stream().map(JobsCommand::describe).toList();
			});
			if (json) {
				ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(records));
				return 0;
			}
			if (records.isEmpty()) {
				ctx.out().println("no jobs recorded in " + workspace.file().getParent());
				return 0;
			}
			for (Map<String, Object> r : records) {
				String start = r.get("start") == null ? "-" : LOCAL.format(Instant.parse((String) r.get("start")));
				String energy = r.get("energyJoules") == null ? "" : String.format(Locale.ROOT, "  %.1f J", (Double) r.get("energyJoules"));
				ctx.out().printf(Locale.ROOT, "%s  %-9s  %-8s  %s%s%n", start, r.get("status"), r.get("device") == null ? "-" : r.get("device"), r.get("kind"),
						energy);
				for (Object output : (List<?>) r.get("outputs")) {
					ctx.out().println("    " + output);
				}
			}
			return 0;
		}
	}

	/** A record as the JSON object that {@code --json} prints. */
	static Map<String, Object> describe(JobRecord r) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", r.getId());
		m.put("kind", r.getKind());
		m.put("device", r.getDevice());
		m.put("status", r.getStatus().getLiteral());
		m.put("start", iso(r.getStart()));
		m.put("end", iso(r.getEnd()));
		m.put("energyJoules", r.isSetEnergyJoules() ? r.getEnergyJoules() : null);
		m.put("averageWatts", r.isSetAverageWatts() ? r.getAverageWatts() : null);
		m.put("peakWatts", r.isSetPeakWatts() ? r.getPeakWatts() : null);
		m.put("outputs", List.copyOf(r.getOutputs()));
		Map<String, String> parameters = new LinkedHashMap<>();
		r.getParameters().forEach(e -> parameters.put(e.getKey(), e.getValue()));
		m.put("parameters", parameters);
		m.put("message", r.getMessage());
		return m;
	}

	private static String iso(Date date) {
		return date == null ? null : date.toInstant().toString();
	}
}
