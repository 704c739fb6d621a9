package dev.atelier.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import dev.atelier.core.PluginHost;
import dev.atelier.core.io.AtomicFiles;

/**
 * Brings the installed bundles in line with the plugins folder: new jars are installed, changed ones updated,
 * removed ones uninstalled, and all started. A jar that fails is reported with its file name and skipped. Plugins are
 * installed only into the workspace's own framework state ({@link dev.atelier.core.AtelierPaths#frameworkDir()}, where
 * the launcher puts it), so that no plugin reaches another workspace; a jar whose manifest would replace or add to
 * Atelier's own bundles is refused ({@link PluginManifestCheck}), and the classes of the rest are woven so that they
 * cannot end the JVM ({@link PluginWeavingHook}); a bundle a plugin installs while it runs is uninstalled at once
 * ({@link #refuseRunTimeInstall}). Plugins are
 * started transiently, by this host at every start, each within {@link #START_TIMEOUT}: an activator that does not
 * return by then is interrupted, left behind, and its jar disabled (listed in the folder's {@code .disabled} with its modification
 * time) until the jar changes, so that it cannot hold every later start.
 */
@Component(service = PluginHost.class, immediate = true)
public final class PluginFolderInstaller implements PluginHost {

	private static final System.Logger LOG = System.getLogger(PluginFolderInstaller.class.getName());
	/** Marks bundles this host installed; the rest of the location is the jar's absolute path. */
	static final String LOCATION_PREFIX = "atelier-plugin:";
	/** Far longer than an activator that registers services takes. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(10);
	static final String DISABLED_FILE = ".disabled";
	private static final String CONFIGURATION_AREA = "osgi.configuration.area";
	/** The threads of activators that passed the timeout, by jar: one per JVM, as the framework is. */
	private static final Map<Path, Thread> LATE_STARTERS = new ConcurrentHashMap<>();

	private final List<Plugin> plugins;
	private final ServiceRegistration<WeavingHook> weaving;
	private final BundleContext context;
	private final SynchronousBundleListener runTimeInstalls = PluginFolderInstaller::refuseRunTimeInstall;

	@Activate
	public PluginFolderInstaller(BundleContext context, @Reference AtelierEnvironment env) {
		AtelierPaths paths = env.paths();
		String foreign = foreignState(context.getProperty(CONFIGURATION_AREA), paths.frameworkDir());
		this.context = context;
		this.weaving = context.registerService(WeavingHook.class, new PluginWeavingHook(), null); // before the first class of a plugin loads
		context.addBundleListener(runTimeInstalls); // before the first plugin starts
		this.plugins = synchronize(context, paths.pluginsDir(), foreign);
	}

	@Deactivate
	void deactivate() {
		context.removeBundleListener(runTimeInstalls);
		weaving.unregister();
	}

	/**
	 * Uninstalls, at once, a bundle that a plugin installed while it ran ({@code BundleContext.installBundle} from its
	 * activator or a job): such a bundle would not be woven, not checked by {@link PluginManifestCheck}, and, started
	 * persistently, would start at the next launch before this host. A plugin is known by the bundle whose context
	 * installed it, or, since any bundle can reach the system bundle's context, by a class of a plugin on the installing
	 * thread's stack (the listener runs in that thread, before {@code installBundle} returns).
	 */
	private static void refuseRunTimeInstall(BundleEvent event) {
		if (event.getType() != BundleEvent.INSTALLED) {
			return;
		}
		Bundle installer = jarOf(event.getOrigin()) != null ? event.getOrigin() : pluginOnStack();
		if (installer == null) {
			return;
		}
		Bundle refused = event.getBundle();
		String problem = "plugin " + jarOf(installer) + " (" + installer.getSymbolicName() + ") installed the bundle " + refused.getLocation()
				+ " while it ran: refused and uninstalled (it would not be checked); put a plugin's bundles into the plugins folder";
		try {
			refused.uninstall();
		} catch (BundleException | IllegalStateException e) {
			problem += "; uninstalling it failed: " + describe(e);
		}
		LOG.log(Level.ERROR, problem);
	}

	/** The plugin bundle of the innermost class on this thread's stack that belongs to a plugin, or null. */
	private static Bundle pluginOnStack() {
		return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
				.map(frame -> FrameworkUtil.getBundle(frame.getDeclaringClass())).filter(b -> b != null && jarOf(b) != null).findFirst().orElse(null));
	}

	@Override
	public List<Plugin> plugins() {
		return plugins;
	}

	@Override
	public List<Plugin> stillStarting() {
		return plugins.stream().filter(p -> LATE_STARTERS.containsKey(p.jar()) && LATE_STARTERS.get(p.jar()).isAlive()).toList();
	}

	@Override
	public Optional<Plugin> pluginOf(Bundle bundle) {
		Path jar = jarOf(bundle);
		return jar == null ? Optional.empty() : plugins.stream().filter(p -> p.jar().equals(jar)).findFirst();
	}

	/** The plugin jar the bundle was installed from, or null for a bundle of Atelier's installation. */
	static Path jarOf(Bundle bundle) {
		String location = bundle == null ? null : bundle.getLocation();
		return location != null && location.startsWith(LOCATION_PREFIX) ? Path.of(location.substring(LOCATION_PREFIX.length())) : null;
	}

	/**
	 * Why plugins may not be installed into this framework's state, or null when it is the workspace's own, or the one
	 * of this process beside it ({@code .framework-*}: the launcher's while another process holds the workspace's):
	 * another state may be the installation's, which every workspace starts from.
	 */
	static String foreignState(String configurationArea, Path frameworkDir) {
		Path area = configurationArea == null ? null : Path.of(configurationArea.replaceFirst("^file:", "")).toAbsolutePath().normalize();
		try {
			if (area != null && (area.equals(frameworkDir) || Files.exists(area) && Files.exists(frameworkDir) && Files.isSameFile(area, frameworkDir)
					|| area.getFileName() != null && area.getFileName().toString().startsWith(frameworkDir.getFileName() + "-")
							&& Files.exists(area.getParent()) && Files.isSameFile(area.getParent(), frameworkDir.getParent()))) {
				return null;
			}
		} catch (IOException e) {
			// not shown to be the same folder
		}
		return "plugins are installed only into the workspace's own framework state " + frameworkDir + ", and this runtime's is "
				+ (configurationArea == null ? "unknown" : area) + ": start Atelier with its atelier launcher";
	}

	static List<Plugin> synchronize(BundleContext context, Path dir, String foreignState) {
		Map<String, Bundle> installed = new HashMap<>();
		for (Bundle bundle : context.getBundles()) {
			if (jarOf(bundle) != null) {
				installed.put(bundle.getLocation(), bundle);
			}
		}
		List<Path> jars = jars(dir);
		List<Bundle> touched = new ArrayList<>();
		// Uninstall first: a jar renamed in the folder is a new location of the same bundle, and Equinox refuses a
		// second bundle with the same name and version. In a state not the workspace's, every plugin goes.
		if (foreignState == null) {
			for (Path jar : jars) {
				installed.remove(LOCATION_PREFIX + jar);
			}
		}
		for (Bundle gone : installed.values()) {
			uninstall(gone, touched);
		}
		PluginManifestCheck.Installation atelier = PluginManifestCheck.Installation.of(context);
		Map<Path, Object> outcome = new HashMap<>();
		for (Path jar : jars) {
			String location = LOCATION_PREFIX + jar;
			Bundle bundle = context.getBundle(location);
			if (foreignState != null) {
				outcome.put(jar, new Plugin(jar, null, null, State.REFUSED, "plugin " + jar + " is not loaded: " + foreignState));
				continue;
			}
			try {
				AtomicFiles.requireRegular(jar); // a FIFO named *.jar would block every start
			} catch (IOException e) {
				outcome.put(jar, new Plugin(jar, null, null, State.FAILED, "cannot install plugin " + jar + ": " + e.getMessage()));
				continue;
			}
			String refusal = PluginManifestCheck.refusal(jar, atelier);
			if (refusal != null) {
				if (bundle != null) { // installed by an Atelier that did not check
					uninstall(bundle, touched);
				}
				outcome.put(jar, new Plugin(jar, null, null, State.REFUSED, "cannot install plugin " + jar + ": " + refusal));
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
				outcome.put(jar, new Plugin(jar, null, null, State.FAILED, "cannot install plugin " + jar + ": " + describe(e)));
			}
		}
		if (!touched.isEmpty()) {
			refresh(context, touched);
		}
		Disabled disabled = new Disabled(dir.resolve(DISABLED_FILE));
		List<Plugin> result = new ArrayList<>();
		for (Path jar : jars) {
			Object o = outcome.get(jar);
			if (o instanceof Bundle bundle) {
				result.add(start(jar, bundle, disabled));
			} else {
				Plugin failed = (Plugin) o;
				LOG.log(Level.ERROR, failed.problem());
				result.add(failed);
			}
		}
		return List.copyOf(result);
	}

	private static void uninstall(Bundle bundle, List<Bundle> touched) {
		try {
			bundle.uninstall();
			touched.add(bundle);
		} catch (BundleException e) {
			LOG.log(Level.WARNING, "cannot uninstall the plugin " + bundle.getLocation(), e);
		}
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

	private static Plugin start(Path jar, Bundle bundle, Disabled disabled) {
		String name = bundle.getSymbolicName();
		String version = bundle.getVersion().toString();
		if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0) {
			return new Plugin(jar, name, version, State.FRAGMENT, null);
		}
		if (disabled.contains(jar)) {
			String problem = "plugin " + jar + " (" + name + ") is disabled: its activator did not finish within " + START_TIMEOUT.toSeconds()
					+ " s at an earlier start; replace the jar to try it again";
			LOG.log(Level.ERROR, problem);
			return new Plugin(jar, name, version, State.DISABLED, problem);
		}
		CompletableFuture<Void> started = new CompletableFuture<>();
		// a thread of its own, so that an activator that never returns holds only that thread (a daemon: not the exit)
		Thread starter = Thread.ofPlatform().daemon().name("atelier-plugin-start " + name).start(() -> {
			try {
				bundle.start(Bundle.START_TRANSIENT | Bundle.START_ACTIVATION_POLICY);
				started.complete(null);
			} catch (Throwable e) {
				started.completeExceptionally(e);
			}
		});
		String problem;
		State state = State.FAILED;
		try {
			started.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return new Plugin(jar, name, version, State.STARTED, null);
		} catch (TimeoutException e) {
			// an activator waiting interruptibly (sleep, a lock, I/O on a channel) then fails its start and frees the
			// bundle's state lock, which the framework's shutdown would otherwise wait on
			starter.interrupt();
			LATE_STARTERS.put(jar, starter);
			disabled.add(jar);
			state = State.DISABLED;
			problem = "plugin " + jar + " (" + name + ") did not finish starting within " + START_TIMEOUT.toSeconds()
					+ " s: it is disabled until the jar changes";
		} catch (ExecutionException e) {
			problem = "cannot start plugin " + jar + " (" + name + "): " + describe(e.getCause());
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			problem = "plugin " + jar + " (" + name + ") was not started: interrupted";
		}
		LOG.log(Level.ERROR, problem);
		return new Plugin(jar, name, version, state, problem);
	}

	/** The jars disabled, one a line as {@code <file name> TAB <modification time in ms>}: a changed jar is tried again. */
	private record Disabled(Path file) {

		boolean contains(Path jar) {
			try {
				return Files.isRegularFile(file) && Files.readAllLines(file).contains(line(jar));
			} catch (IOException e) {
				LOG.log(Level.WARNING, "cannot read " + file + ": " + e.getMessage());
				return false;
			}
		}

		void add(Path jar) {
			try {
				List<String> lines = Files.isRegularFile(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
				lines.removeIf(l -> l.startsWith(jar.getFileName() + "\t"));
				lines.add(line(jar));
				AtomicFiles.write(file, out -> out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
			} catch (IOException e) {
				LOG.log(Level.ERROR, "cannot record the disabled plugin " + jar + " in " + file + ": " + e.getMessage());
			}
		}

		private static String line(Path jar) throws IOException {
			return jar.getFileName() + "\t" + Files.getLastModifiedTime(jar).toMillis();
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
