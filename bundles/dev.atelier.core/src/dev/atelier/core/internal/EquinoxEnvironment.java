package dev.atelier.core.internal;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.osgi.service.environment.EnvironmentInfo;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;

/** The environment as Equinox started it: program arguments from the launcher, version from this bundle. */
@Component(service = AtelierEnvironment.class)
public final class EquinoxEnvironment implements AtelierEnvironment {

	private final String version;
	private final List<String> arguments;
	private final AtelierPaths paths;

	@Activate
	public EquinoxEnvironment(BundleContext context, @Reference EnvironmentInfo info) {
		this.version = context.getBundle().getVersion().toString();
		String[] args = info.getNonFrameworkArgs();
		this.arguments = args == null ? List.of() : List.of(args);
		this.paths = resolve(arguments);
	}

	/** A malformed --workspace is the CLI's to report; the runtime still starts, on the other choices. */
	private static AtelierPaths resolve(List<String> args) {
		Path home = Path.of(System.getProperty("user.home"));
		try {
			return AtelierPaths.resolve(args, System.getenv(), home);
		} catch (IllegalArgumentException e) {
			return AtelierPaths.resolve(List.of(), System.getenv(), home);
		}
	}

	@Override
	public String version() {
		return version;
	}

	@Override
	public AtelierPaths paths() {
		return paths;
	}

	@Override
	public List<String> arguments() {
		return arguments;
	}
}
