package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.core.AtelierPaths;

class AtelierPathsTest {

	private static final Path HOME = Path.of("/home/maker");

	@Test
	void defaultsToDotAtelierInTheUsersHome() {
		assertEquals(Path.of("/home/maker/.atelier"), AtelierPaths.resolve(List.of("info"), Map.of(), HOME).workspaceRoot());
	}

	@Test
	void environmentVariableOverridesTheDefault() {
		AtelierPaths paths = AtelierPaths.resolve(List.of(), Map.of("ATELIER_WORKSPACE", "/data/ws"), HOME);
		assertEquals(Path.of("/data/ws"), paths.workspaceRoot());
	}

	@Test
	void optionOverridesTheEnvironmentInBothSpellings() {
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", "/data/ws");
		assertEquals(Path.of("/opt/a"), AtelierPaths.resolve(List.of("--workspace", "/opt/a", "info"), env, HOME).workspaceRoot());
		assertEquals(Path.of("/opt/b"), AtelierPaths.resolve(List.of("info", "--workspace=/opt/b"), env, HOME).workspaceRoot());
	}

	@Test
	void tildeIsTheUsersHome() {
		assertEquals(Path.of("/home/maker/art"), AtelierPaths.resolve(List.of("--workspace", "~/art"), Map.of(), HOME).workspaceRoot());
	}

	@Test
	void optionWithoutADirectoryIsRefusedWithItsName() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> AtelierPaths.resolve(List.of("info", "--workspace"), Map.of(), HOME));
		assertEquals("--workspace needs a directory", e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> AtelierPaths.workspaceOption(List.of("--workspace=")));
	}

	@Test
	void workspaceOptionIsRemovedFromTheArguments() {
		assertEquals(List.of("info", "--json"),
				AtelierPaths.withoutWorkspaceOption(List.of("--workspace", "/x", "info", "--workspace=/y", "--json")));
	}

	@Test
	void filesLiveInTheWorkspaceRoot() {
		AtelierPaths paths = new AtelierPaths(Path.of("/w"));
		assertEquals(Path.of("/w/workspace.xmi"), paths.workspaceFile());
		assertEquals(Path.of("/w/plugins"), paths.pluginsDir());
		assertEquals(Path.of("/w/logs"), paths.logsDir());
	}
}
