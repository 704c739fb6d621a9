package dev.atelier.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.core.PluginHost;

/** {@code atelier doctor}: the plugins folder's jars and the state of each, as {@code atelier info} lists them, with a fix for each problem. */
@Component(service = DoctorCheck.class)
public final class PluginsCheck implements DoctorCheck {

	private final PluginHost host;

	@Activate
	public PluginsCheck(@Reference PluginHost host) {
		this.host = host;
	}

	@Override
	public int order() {
		return 600;
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		return findings(host.plugins(), environment.paths().pluginsDir().toString());
	}

	static List<Finding> findings(List<PluginHost.Plugin> plugins, String folder) {
		if (plugins.isEmpty()) {
			return List.of(Finding.ok("plugins", "none in " + folder));
		}
		List<Finding> found = new ArrayList<>();
		for (PluginHost.Plugin p : plugins) {
			String subject = "plugin " + p.jar().getFileName();
			found.add(switch (p.state()) {
			case STARTED -> Finding.ok(subject, p.symbolicName() + " " + p.version() + " (started)");
			case FRAGMENT -> Finding.ok(subject, p.symbolicName() + " " + p.version() + " (fragment)");
			case DISABLED -> Finding.problem(subject, p.problem(), "replace " + p.jar() + " with a build whose activator returns (a changed jar is tried again), or remove it");
			case REFUSED -> Finding.problem(subject, p.problem(), "remove " + p.jar() + "; a plugin must be an OSGi bundle of its own, beside Atelier's bundles");
			case FAILED -> Finding.problem(subject, p.problem(), "remove " + p.jar() + " or replace it with a build for this Atelier; "
					+ "`atelier bundles --start` shows what its bundle is missing");
			});
		}
		return found;
	}
}
