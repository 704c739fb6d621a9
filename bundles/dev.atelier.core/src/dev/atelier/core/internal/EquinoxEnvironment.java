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
		this.paths = AtelierPaths.resolve(arguments, System.getenv(), Path.of(System.getProperty("user.home")));
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
