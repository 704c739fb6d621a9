package dev.atelier.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.PluginHost;
import dev.atelier.core.io.AtomicFiles;

/**
 * Brings the installed bundles in line with the plugins folder: new jars are installed, changed ones updated,
 * removed ones uninstalled, and all started. A jar that fails is reported with its file name and skipped.
 */
@Component(service = PluginHost.class, immediate = true)
public final class PluginFolderInstaller implements PluginHost {

	private static final System.Logger LOG = System.getLogger(PluginFolderInstaller.class.getName());
	/** Marks bundles this host installed; the rest of the location is the jar's absolute path. */
	static final String LOCATION_PREFIX = "atelier-plugin:";

	private final List<Plugin> plugins;

	@Activate
	public PluginFolderInstaller(BundleContext context, @Reference AtelierEnvironment env) {
		this.plugins = synchronize(context, env.paths().pluginsDir());
	}

	@Override
	public List<Plugin> plugins() {
		return plugins;
	}

	static List<Plugin> synchronize(BundleContext context, Path dir) {
		Map<String, Bundle> installed = new HashMap<>();
		for (Bundle bundle : context.getBundles()) {
			if (bundle.getLocation().startsWith(LOCATION_PREFIX)) {
				installed.put(bundle.getLocation(), bundle);
			}
		}
		List<Path> jars = jars(dir);
		List<Bundle> touched = new ArrayList<>();
		// Uninstall first: the same plugin may be installed from another workspace, and Equinox refuses a
		// second bundle with the same name and version.
		for (Path jar : jars) {
			installed.remove(LOCATION_PREFIX + jar);
		}
		for (Bundle gone : installed.values()) {
			try {
				gone.uninstall();
				touched.add(gone);
			} catch (BundleException e) {
				LOG.log(Level.WARNING, "cannot uninstall removed plugin " + gone.getLocation(), e);
			}
		}
		Map<Path, Object> outcome = new HashMap<>();
		for (Path jar : jars) {
			String location = LOCATION_PREFIX + jar;
			Bundle bundle = context.getBundle(location);
			try {
				AtomicFiles.requireRegular(jar); // a FIFO named *.jar would block every start
			} catch (IOException e) {
				outcome.put(jar, "cannot install plugin " + jar + ": " + e.getMessage());
				continue;
			}
			try (InputStream in = Files.newInputStream(jar)) {
				if (bundle == null) {
					bundle = context.installBundle(location, in);
					touched.add(bundle);
				} else if (Files.getLastModifiedTime(jar).toMillis() > bundle.getLastModified()) {
					bundle.update(in);
					touched.add(bundle);
				}
				outcome.put(jar, bundle);
			} catch (IOException | BundleException | RuntimeException e) {
				outcome.put(jar, "cannot install plugin " + jar + ": " + describe(e));
			}
		}
		if (!touched.isEmpty()) {
			refresh(context, touched);
		}
		List<Plugin> result = new ArrayList<>();
		for (Path jar : jars) {
			Object o = outcome.get(jar);
			if (o instanceof Bundle bundle) {
				result.add(start(jar, bundle));
			} else {
				LOG.log(Level.ERROR, (String) o);
				result.add(new Plugin(jar, null, null, false, (String) o));
			}
		}
		return List.copyOf(result);
	}

	/** Refreshing is asynchronous; the plugins must be rewired before they are started. */
	private static void refresh(BundleContext context, List<Bundle> bundles) {
		CountDownLatch done = new CountDownLatch(1);
		context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> done.countDown());
		try {
			if (!done.await(30, TimeUnit.SECONDS)) {
				LOG.log(Level.WARNING, "refreshing the plugins' wiring took over 30 s; starting them anyway");
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private static Plugin start(Path jar, Bundle bundle) {
		String name = bundle.getSymbolicName();
		String version = bundle.getVersion().toString();
		if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
			return new Plugin(jar, name, version, false, null);
		}
		try {
			bundle.start(Bundle.START_ACTIVATION_POLICY);
			return new Plugin(jar, name, version, true, null);
		} catch (BundleException | RuntimeException e) {
			String problem = "cannot start plugin " + jar + " (" + name + "): " + describe(e);
			LOG.log(Level.ERROR, problem);
			return new Plugin(jar, name, version, false, problem);
		}
	}

	/** The exception's message and its causes', e.g. "Error occurred installing a bundle: zip END header not found". */
	private static String describe(Throwable e) {
		StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
		for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
			text.append(": ").append(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
		}
		return text.toString();
	}

	private static List<Path> jars(Path dir) {
		List<Path> jars = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return jars;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
			stream.forEach(jar -> jars.add(jar.toAbsolutePath().normalize()));
		} catch (IOException e) {
			LOG.log(Level.ERROR, "cannot read the plugins folder " + dir + ": " + e.getMessage());
		}
		jars.sort(null);
		return jars;
	}
}
