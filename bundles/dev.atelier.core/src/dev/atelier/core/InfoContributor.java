package dev.atelier.core;

import java.util.Map;

/**
 * Adds facts to {@code atelier info} and the About dialog: a bundle registers this service to report what
 * it knows (the device service its devices, for instance).
 */
public interface InfoContributor {

	/** Ordered name/value pairs; names are camelCase words, as in {@code atelier info --json}. */
	Map<String, String> facts();
}
