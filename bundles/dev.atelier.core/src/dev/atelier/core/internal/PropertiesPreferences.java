package dev.atelier.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.Preferences;
import dev.atelier.core.io.AtomicFiles;

/** Preferences in a properties file; an unreadable file is reported and replaced by defaults on the next save. */
@Component(service = Preferences.class)
public final class PropertiesPreferences implements Preferences {

	private static final System.Logger LOG = System.getLogger(PropertiesPreferences.class.getName());

	private final Path file;
	private final Properties values = new Properties();

	@Activate
	public PropertiesPreferences(@Reference AtelierEnvironment env) {
		this(env.paths().preferencesFile());
	}

	/** Plain-Java construction; DS uses the other constructor (one public constructor per arity keeps SCR's choice clear). */
	public static PropertiesPreferences at(Path file) {
		return new PropertiesPreferences(file);
	}

	private PropertiesPreferences(Path file) {
		this.file = file;
		if (Files.exists(file)) {
			try (InputStream in = Files.newInputStream(file)) {
				values.load(in);
			} catch (IOException | IllegalArgumentException e) {
				LOG.log(Level.WARNING, "ignoring unreadable preferences " + file + ": " + e.getMessage());
			}
		}
	}

	@Override
	public synchronized String get(String key, String defaultValue) {
		return values.getProperty(key, defaultValue);
	}

	@Override
	public boolean getBoolean(String key, boolean defaultValue) {
		String value = get(key, null);
		return value == null ? defaultValue : Boolean.parseBoolean(value.strip());
	}

	@Override
	public synchronized void put(String key, String value) {
		if (value == null) {
			values.remove(key);
		} else {
			values.setProperty(key, value);
		}
	}

	@Override
	public synchronized void save() throws IOException {
		AtomicFiles.write(file, out -> values.store(out, "Atelier preferences"));
	}
}
