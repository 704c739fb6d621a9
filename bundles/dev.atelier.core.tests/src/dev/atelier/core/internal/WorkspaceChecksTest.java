package dev.atelier.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.core.PluginHost.Plugin;

/** {@code atelier doctor}'s workspace checks: free disk and the plugins folder. */
class WorkspaceChecksTest {

	private static final Path WS = Path.of("/home/maker/atelier");

	@Test
	void aWorkspaceUnder10GiBFreeIsAProblemThatSaysHowMuchIsFree() {
		Finding low = WorkspaceDiskCheck.finding(WS, 3L << 30, true);
		assertFalse(low.ok());
		assertTrue(low.detail().startsWith("3.0 GiB free at /home/maker/atelier"), low.detail());
		assertTrue(low.fix().contains("--workspace"), low.fix());
		assertTrue(WorkspaceDiskCheck.finding(WS, 200L << 30, true).ok());
	}

	@Test
	void aWorkspaceThatCannotBeWrittenIsAProblemWhateverItsFreeSpace() {
		Finding readOnly = WorkspaceDiskCheck.finding(WS, 200L << 30, false);
		assertFalse(readOnly.ok());
		assertTrue(readOnly.detail().contains("not writable"), readOnly.detail());
	}

	@Test
	void aPluginThatDidNotStartIsAProblemNamingItsJarAndTheOthersAreOk() {
		Path broken = WS.resolve("plugins/broken.jar");
		List<Finding> found = PluginsCheck.findings(List.of(new Plugin(WS.resolve("plugins/hello.jar"), "dev.example.hello", "1.0.0", true, null),
				new Plugin(broken, null, null, false, broken + ": not an OSGi bundle (no Bundle-SymbolicName)")), "/home/maker/atelier/plugins");
		assertEquals(2, found.size());
		assertTrue(found.get(0).ok());
		assertEquals("dev.example.hello 1.0.0 (started)", found.get(0).detail());
		assertFalse(found.get(1).ok());
		assertEquals("plugin broken.jar", found.get(1).subject());
		assertTrue(found.get(1).fix().contains(broken.toString()), found.get(1).fix());
	}

	@Test
	void anEmptyPluginsFolderIsOkAndNamesTheFolder() {
		List<Finding> found = PluginsCheck.findings(List.of(), "/home/maker/atelier/plugins");
		assertEquals(List.of(Finding.ok("plugins", "none in /home/maker/atelier/plugins")), found);
	}
}
