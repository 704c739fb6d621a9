package dev.atelier.cli.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.PluginHost;

/** The Equinox application behind {@code atelier <subcommand>}: no window, the subcommand's exit code. */
public final class CliApplication implements IApplication {

	private static final long SERVICE_WAIT_MS = 30_000;

	@Override
	public Object start(IApplicationContext context) {
		String[] raw = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
		List<String> args = raw == null ? List.of() : Arrays.asList(raw);
		context.applicationRunning();
		endWithTheLauncher();
		try {
			return run(args);
		} catch (Exception | Error e) { // every Error too: an OutOfMemoryError is a failure, never a silent exit 0
			System.err.println("atelier: " + Dispatcher.describe(e));
			System.getLogger(CliApplication.class.getName()).log(System.Logger.Level.ERROR, "the CLI failed", e);
			return Dispatcher.FAILED;
		}
	}

	/**
	 * The launcher runs the JVM as its child (to filter its standard error) and passes its own pid: when the launcher
	 * is killed outright (SIGKILL, which it cannot pass on), the JVM would live on unseen — a server holding its port,
	 * a job its lease. It ends as on SIGTERM instead, its shutdown hooks recording a job as cancelled.
	 */
	private static void endWithTheLauncher() {
		String pid = System.getProperty("atelier.launcher.pid");
		if (pid == null) {
			return;
		}
		try {
			ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(launcher -> launcher.onExit().thenRun(CliApplication::launcherGone),
					CliApplication::launcherGone);
		} catch (NumberFormatException e) {
			System.err.println("atelier: ignoring -Datelier.launcher.pid=" + pid + ": not a process id");
		}
	}

	private static void launcherGone() {
		System.err.println("atelier: the launcher was killed; stopping");
		System.exit(143);
	}

	private static int run(List<String> args) throws Exception {
		BundleContext bundles = FrameworkUtil.getBundle(CliApplication.class).getBundleContext();
		AtelierEnvironment environment = await(bundles, AtelierEnvironment.class);
		// Asking for the plugin host installs and starts the plugins folder's bundles before dispatching.
		PluginHost plugins = await(bundles, PluginHost.class);
		List<Dispatcher.Provided> subcommands = new ArrayList<>();
		for (ServiceReference<Subcommand> ref : bundles.getServiceReferences(Subcommand.class, null)) {
			Subcommand command = bundles.getService(ref);
			if (command != null) {
				String plugin = plugins.pluginOf(ref.getBundle()).map(p -> "plugin " + p.jar() + " (" + p.symbolicName() + ")").orElse(null);
				subcommands.add(new Dispatcher.Provided(command, plugin));
			}
		}
		int code = new Dispatcher(subcommands, environment, System.out, System.err).dispatch(args);
		System.out.flush();
		System.err.flush();
		if (!plugins.stillStarting().isEmpty()) {
			// the framework's stop would wait a minute for the plugin's activator (reported at the start); nothing is left to stop
			System.exit(code);
		}
		return code;
	}

	@Override
	public void stop() {
		// the dispatch runs to its end; nothing to interrupt
	}

	private static <S> S await(BundleContext context, Class<S> type) throws InterruptedException {
		ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
		tracker.open();
		try {
			S service = tracker.waitForService(SERVICE_WAIT_MS);
			if (service == null) {
				throw new IllegalStateException("the " + type.getSimpleName() + " service did not appear within "
						+ TimeUnit.MILLISECONDS.toSeconds(SERVICE_WAIT_MS) + " s: is dev.atelier.core installed and started?");
			}
			return service;
		} finally {
			tracker.close();
		}
	}
}
