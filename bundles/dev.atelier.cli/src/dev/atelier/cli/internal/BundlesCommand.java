package dev.atelier.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier bundles [--start] [--json]}: the OSGi runtime's bundles, for plugin authors chasing a start failure. */
@Component(service = Subcommand.class)
public final class BundlesCommand implements Subcommand {

	private final BundleContext context;

	@Activate
	public BundlesCommand(BundleContext context) {
		this.context = context;
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Bundles(ctx);
	}

	@Command(name = "bundles", header = "the OSGi bundles of this runtime and their states; --start tries to start them all",
			description = "Lists every bundle with its id, state, symbolic name and version.")
	private final class Bundles implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--start", description = { "first starts every bundle that is not a fragment, for this run only (nothing is remembered), "
				+ "and reports those that fail; exits with 1 if any failed" })
		private boolean start;

		@Option(names = "--json", description = "one JSON object: {\"bundles\": [{id, symbolicName, version, state, fragment, problem}]}")
		private boolean json;

		Bundles(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			return list(ctx, start, json);
		}
	}

	private int list(CommandContext ctx, boolean start, boolean json) {
		List<Map<String, Object>> rows = new ArrayList<>();
		int failed = 0;
		for (Bundle bundle : context.getBundles()) {
			boolean fragment = (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
			String problem = null;
			if (start && !fragment && bundle.getState() != Bundle.ACTIVE) {
				try {
					bundle.start(Bundle.START_TRANSIENT);
				} catch (BundleException | RuntimeException e) {
					problem = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause());
					failed++;
				}
			}
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("id", bundle.getBundleId());
			row.put("symbolicName", bundle.getSymbolicName());
			row.put("version", bundle.getVersion().toString());
			row.put("state", InfoCommand.stateName(bundle.getState()));
			row.put("fragment", fragment);
			row.put("problem", problem);
			rows.add(row);
		}
		if (json) {
			ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(Map.of("bundles", rows)));
		} else {
			for (Map<String, Object> row : rows) {
				ctx.out().printf("%4d  %-11s %s %s%s%n", row.get("id"), row.get("state"), row.get("symbolicName"), row.get("version"),
						row.get("problem") == null ? "" : "  FAILED: " + row.get("problem"));
			}
		}
		if (failed > 0) {
			ctx.err().println("atelier bundles: " + failed + " bundle(s) failed to start");
			return Dispatcher.FAILED;
		}
		return Dispatcher.OK;
	}
}
