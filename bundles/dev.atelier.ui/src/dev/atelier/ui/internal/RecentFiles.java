package dev.atelier.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.atelier.core.Preferences;

/** File ▸ Recent Files: the last files opened, newest first, kept in the workspace's preferences. */
public final class RecentFiles {

	public static final String PREFERENCE = "ui.recentFiles";
	static final int KEPT = 8;

	private RecentFiles() {
	}

	public static List<Path> list(Preferences preferences) {
		return Arrays.stream(preferences.get(PREFERENCE, "").split("\n")).filter(s -> !s.isBlank()).map(Path::of).toList();
	}

	/** Puts the file first (once) and saves. */
	public static void add(Preferences preferences, Path file) throws IOException {
		List<Path> files = new ArrayList<>(list(preferences));
		files.remove(file);
		files.add(0, file);
		preferences.put(PREFERENCE, String.join("\n", files.subList(0, Math.min(KEPT, files.size())).stream().map(Path::toString).toList()));
		preferences.save();
	}
}
