package dev.atelier.core;

import java.io.IOException;

/** Atelier's settings, kept in the workspace so the IDE and the CLI share them. */
public interface Preferences {

	String get(String key, String defaultValue);

	boolean getBoolean(String key, boolean defaultValue);

	void put(String key, String value);

	/** Writes the settings to disk atomically. */
	void save() throws IOException;
}
