package dev.atelier.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Installs third-party plugin bundles dropped into {@link AtelierPaths#pluginsDir()} when Atelier starts,
 * so a maker adds a plugin by copying its jar, without a p2 install.
 */
public interface PluginHost {

	/** One jar of the plugins folder: the bundle it became, or why it could not be started. */
	record Plugin(Path jar, String symbolicName, String version, boolean started, String problem) {
	}

	List<Plugin> plugins();
}
