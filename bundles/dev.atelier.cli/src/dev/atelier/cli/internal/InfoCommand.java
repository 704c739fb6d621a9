package dev.atelier.cli.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.InfoContributor;
import dev.atelier.core.PluginHost;
import dev.atelier.core.SystemInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier info [--json]}: versions, OS, workspace and the state of the OSGi runtime. */
@Component(service = Subcommand.class)
public final class InfoCommand implements Subcommand {

	private final BundleContext context;
	private final PluginHost plugins;

	@Reference(policyOption = ReferencePolicyOption.GREEDY)
	private volatile List<InfoContributor> contributors = List.of();

	@Activate
	public InfoCommand(BundleContext context, @Reference PluginHost plugins) {
		this.context = context;
		this.plugins = plugins;
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Info(ctx);
	}

	@Command(name = "info", header = "Atelier and Java versions, OS, workspace path, bundles and plugins", description = {
			"Prints Atelier's and Java's versions, the OS, the workspace path, how many OSGi bundles are active, and the plugins installed "
					+ "from the workspace's plugins folder (atelier bundles lists the bundles)." })
	private final class Info implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--json", description = { "one JSON object: atelier, java, javaHome, os, workspace, devices, bundlesTotal, bundlesActive, "
				+ "plugins [{jar, symbolicName, version, started, state (started, fragment, refused, failed, disabled), problem}]" })
		private boolean json;

		Info(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			return print(ctx, json);
		}
	}

	private int print(CommandContext ctx, boolean json) {
		Bundle[] all = context.getBundles();
		long active = Arrays.stream(all).filter(b -> b.getState() == Bundle.ACTIVE).count();
		Map<String, String> facts = SystemInfo.describe(ctx.environment(), contributors);
		if (json) {
			Map<String, Object> doc = new LinkedHashMap<>(facts);
			doc.put("bundlesTotal", all.length);
			doc.put("bundlesActive", active);
			doc.put("plugins", plugins.plugins().stream().map(InfoCommand::plugin).toList());
			ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(doc));
			return Dispatcher.OK;
		}
		facts.forEach((k, v) -> ctx.out().printf("%-10s %s%n", k + ":", v));
		ctx.out().printf("%-10s %d active of %d%n", "bundles:", active, all.length);
		if (plugins.plugins().isEmpty()) {
			ctx.out().printf("%-10s none in %s%n", "plugins:", ctx.environment().paths().pluginsDir());
		}
		for (PluginHost.Plugin p : plugins.plugins()) {
			ctx.out().printf("%-10s %s%n", "plugin:", p.problem() != null ? p.problem()
					: p.symbolicName() + " " + p.version() + " (" + p.state().name().toLowerCase(Locale.ROOT) + ") from " + p.jar());
		}
		return Dispatcher.OK;
	}

	private static Map<String, Object> plugin(PluginHost.Plugin p) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("jar", p.jar().toString());
		m.put("symbolicName", p.symbolicName());
		m.put("version", p.version());
		m.put("started", p.started());
		m.put("state", p.state().name().toLowerCase(Locale.ROOT));
		m.put("problem", p.problem());
		return m;
	}

	static String stateName(int state) {
		return switch (state) {
		case Bundle.UNINSTALLED -> "UNINSTALLED";
		case Bundle.INSTALLED -> "INSTALLED";
		case Bundle.RESOLVED -> "RESOLVED";
		case Bundle.STARTING -> "STARTING";
		case Bundle.STOPPING -> "STOPPING";
		case Bundle.ACTIVE -> "ACTIVE";
		default -> "UNKNOWN(" + state + ")";
		};
	}
}
