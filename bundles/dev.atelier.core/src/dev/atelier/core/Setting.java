package dev.atelier.core;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A preference as Window ▸ Preferences shows it: the bundle that reads the key declares it in its
 * {@link SettingsPage} service, with how it is edited and which values it takes. An empty value means the default.
 *
 * @param problem what is wrong with a non-empty value, or null when it may be saved
 */
public record Setting(String key, String label, String help, Kind kind, String defaultValue, List<String> choices,
		Function<String, String> problem) {

	/** How the value is edited: free text, a folder (with Browse), one of {@link #choices}, or a check box. */
	public enum Kind {
		TEXT, FOLDER, CHOICE, CHECK
	}

	public Setting {
		Objects.requireNonNull(key);
		Objects.requireNonNull(label);
		Objects.requireNonNull(kind);
		Objects.requireNonNull(problem);
		help = help == null ? "" : help;
		defaultValue = defaultValue == null ? "" : defaultValue;
		choices = List.copyOf(choices);
	}

	public static Setting text(String key, String label, String help, String defaultValue, Function<String, String> problem) {
		return new Setting(key, label, help, Kind.TEXT, defaultValue, List.of(), problem);
	}

	public static Setting folder(String key, String label, String help, String defaultValue) {
		return new Setting(key, label, help, Kind.FOLDER, defaultValue, List.of(), value -> {
			try {
				return Path.of(value).isAbsolute() ? null : "give a whole path, such as " + defaultValue + ", not '" + value + "'";
			} catch (InvalidPathException e) {
				return "'" + value + "' is not a path: " + e.getReason();
			}
		});
	}

	public static Setting choice(String key, String label, String help, String defaultValue, List<String> choices) {
		return new Setting(key, label, help, Kind.CHOICE, defaultValue, choices,
				value -> choices.contains(value) ? null : "one of " + String.join(", ", choices) + ", not '" + value + "'");
	}

	public static Setting check(String key, String label, String help, boolean defaultValue) {
		return new Setting(key, label, help, Kind.CHECK, Boolean.toString(defaultValue), List.of("true", "false"),
				value -> value.equals("true") || value.equals("false") ? null : "true or false, not '" + value + "'");
	}

	/** Null when the value may be saved (an empty one means the default), else what is wrong, naming the setting. */
	public String check(String value) {
		if (value.isBlank()) {
			return null;
		}
		String wrong = problem.apply(value.strip());
		return wrong == null ? null : label + ": " + wrong;
	}
}
