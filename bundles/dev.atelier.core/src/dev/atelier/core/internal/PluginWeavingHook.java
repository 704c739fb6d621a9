package dev.atelier.core.internal;

import java.nio.file.Path;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.weaving.WeavingException;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.service.component.annotations.Component;

/** Weaves every class of a plugin bundle with {@link ExitCallWeaver}, so that no plugin ends the JVM; Atelier's own classes are left alone. */
@Component(service = { WeavingHook.class, PluginWeavingHook.class })
public final class PluginWeavingHook implements WeavingHook {

	@Override
	public void weave(WovenClass woven) {
		Bundle bundle = woven.getBundleWiring().getBundle();
		Path jar = PluginFolderInstaller.jarOf(bundle);
		if (jar == null) {
			return;
		}
		String plugin = bundle.getSymbolicName() + " (" + jar.getFileName() + ")";
		try {
			byte[] rewritten = ExitCallWeaver.weave(woven.getBytes(), plugin, woven.getBundleWiring().getClassLoader());
			if (rewritten != null) {
				woven.setBytes(rewritten);
			}
		} catch (RuntimeException e) {
			// fails this class's load; a WeavingException, unlike others, leaves the hook in service for the classes after it
			throw new WeavingException("plugin " + plugin + ": class " + woven.getClassName()
					+ " is not loaded: it could not be checked for System.exit, Runtime.exit and Runtime.halt: " + e.getMessage(), e);
		}
	}
}
