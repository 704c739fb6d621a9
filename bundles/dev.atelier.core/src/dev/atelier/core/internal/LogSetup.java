package dev.atelier.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;

/**
 * Sends what Atelier's code logs through {@link System.Logger} (java.util.logging underneath) to
 * {@code <workspace>/logs/atelier.log}; only warnings and errors reach the console, so CLI output stays clean, and
 * there as one line without a stack trace: a failure that carries one (a failed job) is reported to the user by whoever
 * waited for it, so it goes to the log file only.
 */
@Component(immediate = true)
public final class LogSetup {

	private static final int LIMIT_BYTES = 4 << 20;
	private static final int FILES = 3;

	private Handler file;

	@Activate
	public LogSetup(@Reference AtelierEnvironment env) {
		System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
		Logger root = Logger.getLogger("");
		for (Handler handler : root.getHandlers()) {
			if (handler instanceof ConsoleHandler) {
				handler.setLevel(Level.WARNING);
				handler.setFilter(r -> r.getThrown() == null);
			}
		}
		try {
			Files.createDirectories(env.paths().logsDir());
			file = new FileHandler(env.paths().logsDir().resolve("atelier%g.log").toString(), LIMIT_BYTES, FILES, true);
			file.setFormatter(new SimpleFormatter());
			file.setLevel(Level.INFO);
			root.addHandler(file);
		} catch (IOException e) {
			root.log(Level.WARNING, "cannot write the log in " + env.paths().logsDir() + ": " + e.getMessage());
		}
	}

	@Deactivate
	void close() {
		if (file != null) {
			Logger.getLogger("").removeHandler(file);
			file.close();
		}
	}
}
