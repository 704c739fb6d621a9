package dev.atelier.core;

import java.util.List;

/** The running Atelier: its version, its files and the program arguments it was started with. */
public interface AtelierEnvironment {

	/** Atelier's version, e.g. {@code 0.1.0.202611241900}. */
	String version();

	AtelierPaths paths();

	/** Program arguments left after the OSGi framework took its own. */
	List<String> arguments();
}
