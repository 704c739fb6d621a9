package dev.atelier.core.internal;

import java.nio.file.Path;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.weaving.WeavingException;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;

/**
 * Weaves every class of a plugin bundle with {@link ExitCallWeaver}, so that no plugin ends the JVM; Atelier's own
 * classes are left alone. Registered by {@link PluginFolderInstaller} before it installs a plugin, not by DS: a hook
 * service whose class is not loaded yet is asked for while classes are defined, and was never called.
 */
final class PluginWeavingHook implements WeavingHook {

	/**
	 * Called as each class is defined, this bundle's among them: it must load no class of this bundle before it knows
	 * the class is a plugin's (PluginFolderInstaller may be the one being defined; loading it here would fail, and a
	 * hook that throws anything but a WeavingException is put out of service for good). The prefix is a constant.
	 */
	@Override
	public void weave(WovenClass woven) {
		Bundle bundle = woven.getBundleWiring().getBundle();
		String location = bundle.getLocation();
		if (location == null || !location.startsWith(PluginFolderInstaller.LOCATION_PREFIX)) {
			return;
		}
		String plugin = bundle.getSymbolicName() + " (" + Path.of(location.substring(PluginFolderInstaller.LOCATION_PREFIX.length())).getFileName() + ")";
		try {
			byte[] rewritten = ExitCallWeaver.weave(woven.getBytes(), plugin, woven.getBundleWiring().getClassLoader());
			if (rewritten != null) {
				woven.setBytes(rewritten);
			}
		} catch (RuntimeException | LinkageError e) {
			// fails this class's load; a WeavingException, unlike others, leaves the hook in service for the classes after it
			throw new WeavingException("plugin " + plugin + ": class " + woven.getClassName()
					+ " is not loaded: it could not be checked for System.exit, Runtime.exit and Runtime.halt: " + e.getMessage(), e);
		}
	}
}
