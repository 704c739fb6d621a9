package dev.atelier.ui.internal;

import java.util.List;

import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.RegistryFactory;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.atelier.core.PluginHost;

/**
 * The IDE's application: E4's workbench, and then, once it has closed and saved its model, an end that does not wait
 * on a plugin whose activator still runs past its start timeout. Java cannot stop that thread, and the framework's
 * stop would wait for its bundle's lock (twice {@code osgi.module.lock.timeout}) and log errors before the JVM ends;
 * the CLI ends the same way ({@code CliApplication}).
 */
public final class WorkbenchApplication implements IApplication {

	/** E4's application, as org.eclipse.e4.ui.workbench.swt declares it (its class is in an internal package). */
	static final String E4_APPLICATION = "org.eclipse.e4.ui.workbench.swt.E4Application";

	private volatile IApplication workbench;

	@Override
	public Object start(IApplicationContext context) throws Exception {
		workbench = e4Application();
		Object result = workbench.start(context);
		if (EXIT_OK.equals(result) && !stillStartingPlugins().isEmpty()) {
			System.exit(0); // nothing is left to save; a restart (EXIT_RESTART) goes through the framework as before
		}
		return result;
	}

	@Override
	public void stop() {
		IApplication running = workbench;
		if (running != null) {
			running.stop();
		}
	}

	private static IApplication e4Application() throws Exception {
		IExtension extension = RegistryFactory.getRegistry().getExtension("org.eclipse.core.runtime.applications", E4_APPLICATION);
		if (extension == null) {
			throw new IllegalStateException("the application " + E4_APPLICATION + " is not installed: is org.eclipse.e4.ui.workbench.swt resolved?");
		}
		for (IConfigurationElement application : extension.getConfigurationElements()) {
			for (IConfigurationElement run : application.getChildren("run")) {
				return (IApplication) run.createExecutableExtension("class");
			}
		}
		throw new IllegalStateException("the application " + E4_APPLICATION + " names no class to run");
	}

	private static List<PluginHost.Plugin> stillStartingPlugins() {
		BundleContext context = FrameworkUtil.getBundle(WorkbenchApplication.class).getBundleContext();
		ServiceReference<PluginHost> ref = context == null ? null : context.getServiceReference(PluginHost.class);
		PluginHost host = ref == null ? null : context.getService(ref);
		return host == null ? List.of() : host.stillStarting();
	}
}
