package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.internal.PropertiesPreferences;

class PropertiesPreferencesTest {

	@TempDir
	Path dir;

	@Test
	void savedValuesAreReadBack() throws IOException {
		Path file = dir.resolve("preferences.properties");
		PropertiesPreferences prefs = PropertiesPreferences.at(file);
		prefs.put("ui.confirmExit", "false");
		prefs.put("device.headroomMiB", "512");
		prefs.save();
		PropertiesPreferences again = PropertiesPreferences.at(file);
		assertEquals(false, again.getBoolean("ui.confirmExit", true));
		assertEquals("512", again.get("device.headroomMiB", null));
	}

	@Test
	void unreadableFileFallsBackToDefaults() throws IOException {
		Path file = dir.resolve("preferences.properties");
		Files.writeString(file, "broken=\\u12");
		PropertiesPreferences prefs = PropertiesPreferences.at(file);
		assertTrue(prefs.getBoolean("ui.confirmExit", true));
	}
}
