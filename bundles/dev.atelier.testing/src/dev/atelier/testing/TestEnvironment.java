package dev.atelier.testing;

import java.nio.file.Path;
import java.util.List;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;

/** An {@link AtelierEnvironment} of version {@code 0.1.0.test} on a given workspace, without program arguments. */
public record TestEnvironment(AtelierPaths paths) implements AtelierEnvironment {

	public static TestEnvironment at(Path workspace) {
		return new TestEnvironment(new AtelierPaths(workspace));
	}

	@Override
	public String version() {
		return "0.1.0.test";
	}

	@Override
	public List<String> arguments() {
		return List.of();
	}
}
