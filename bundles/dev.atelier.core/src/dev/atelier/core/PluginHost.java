package dev.atelier.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;

/**
 * Installs third-party plugin bundles dropped into {@link AtelierPaths#pluginsDir()} when Atelier starts,
 * so a maker adds a plugin by copying its jar, without a p2 install. They are installed into the workspace's own
 * framework state ({@link AtelierPaths#frameworkDir()}), so that they reach no other workspace.
 */
public interface PluginHost {

	/** What became of a jar of the plugins folder. */
	enum State {
		/** Its bundle is installed and started. */
		STARTED,
		/** A fragment, attached to its host plugin; fragments are not started. */
		FRAGMENT,
		/** Not installed: its manifest asks for what a plugin may not do (replace or add to Atelier's own bundles), or it is no bundle. */
		REFUSED,
		/** Installing or starting it failed. */
		FAILED,
		/** Its activator did not return in time at an earlier start: not started until the jar changes. */
		DISABLED
	}

	/** One jar of the plugins folder: the bundle it became, or why it did not (the problem names the jar). */
	record Plugin(Path jar, String symbolicName, String version, State state, String problem) {

		public boolean started() {
			return state == State.STARTED;
		}
	}

	List<Plugin> plugins();

	/**
	 * Plugins whose activator passed the start timeout at this start and still runs: Java cannot stop its thread, and
	 * the framework's stop would wait for it (twice {@code osgi.module.lock.timeout}, 30 s) before the JVM ends.
	 */
	List<Plugin> stillStarting();

	/** The plugin the bundle was installed from, or empty for a bundle of Atelier's installation. */
	Optional<Plugin> pluginOf(Bundle bundle);
}
