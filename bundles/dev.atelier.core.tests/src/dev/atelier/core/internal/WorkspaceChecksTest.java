package dev.atelier.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.core.PluginHost.Plugin;
import dev.atelier.core.PluginHost.State;

/** {@code atelier doctor}'s workspace checks: free disk and the plugins folder, and whose framework state plugins go into. */
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
		List<Finding> found = PluginsCheck.findings(List.of(new Plugin(WS.resolve("plugins/hello.jar"), "dev.example.hello", "1.0.0", State.STARTED, null),
				new Plugin(broken, null, null, State.FAILED, "cannot install plugin " + broken + ": not a jar: zip END header not found")),
				"/home/maker/atelier/plugins");
		assertEquals(2, found.size());
		assertTrue(found.get(0).ok());
		assertEquals("dev.example.hello 1.0.0 (started)", found.get(0).detail());
		assertFalse(found.get(1).ok());
		assertEquals("plugin broken.jar", found.get(1).subject());
		assertTrue(found.get(1).fix().contains(broken.toString()), found.get(1).fix());
	}

	@Test
	void eachPluginStateHasItsOwnFindingAndFix() {
		Path jar = WS.resolve("plugins/tool.jar");
		Finding fragment = PluginsCheck.findings(List.of(new Plugin(jar, "dev.example.tool.nl", "1.0.0", State.FRAGMENT, null)), "").get(0);
		assertEquals(Finding.ok("plugin tool.jar", "dev.example.tool.nl 1.0.0 (fragment)"), fragment);
		Finding refused = PluginsCheck.findings(List.of(new Plugin(jar, null, null, State.REFUSED, "cannot install plugin " + jar
				+ ": it is not an OSGi bundle: its manifest has no Bundle-SymbolicName")), "").get(0);
		assertFalse(refused.ok());
		assertTrue(refused.detail().endsWith("it is not an OSGi bundle: its manifest has no Bundle-SymbolicName"), refused.detail());
		assertEquals("remove " + jar + "; a plugin must be an OSGi bundle of its own, beside Atelier's bundles", refused.fix());
		Finding disabled = PluginsCheck.findings(List.of(new Plugin(jar, "dev.example.tool", "1.0.0", State.DISABLED, "plugin " + jar
				+ " (dev.example.tool) is disabled: its activator did not finish within 10 s at an earlier start; replace the jar to try it again")), "").get(0);
		assertFalse(disabled.ok());
		assertTrue(disabled.fix().startsWith("replace " + jar + " with a build whose activator returns"), disabled.fix());
	}

	@Test
	void anEmptyPluginsFolderIsOkAndNamesTheFolder() {
		List<Finding> found = PluginsCheck.findings(List.of(), "/home/maker/atelier/plugins");
		assertEquals(List.of(Finding.ok("plugins", "none in /home/maker/atelier/plugins")), found);
	}

	@Test
	void pluginsGoOnlyIntoTheWorkspacesOwnFrameworkState() {
		assertNull(PluginFolderInstaller.foreignState("file:/home/maker/atelier/.framework/", WS.resolve(".framework")));
		String foreign = PluginFolderInstaller.foreignState("file:/opt/atelier/configuration/", WS.resolve(".framework"));
		assertEquals("plugins are installed only into the workspace's own framework state /home/maker/atelier/.framework, and this runtime's is "
				+ "/opt/atelier/configuration: start Atelier with its atelier launcher", foreign);
		assertNotNull(PluginFolderInstaller.foreignState(null, WS.resolve(".framework")));
	}

	@Test
	void aProcessesOwnFrameworkStateBesideTheWorkspacesIsItsOwnButNoOtherFolderIs(@TempDir Path ws) throws IOException {
		Path own = Files.createDirectories(ws.resolve(".framework"));
		Path besides = Files.createDirectories(ws.resolve(".framework-k3Xq9a"));
		assertNull(PluginFolderInstaller.foreignState(besides.toUri().toString(), own));
		Path elsewhere = Files.createDirectories(ws.resolve("other").resolve(".framework-k3Xq9a"));
		assertNotNull(PluginFolderInstaller.foreignState(elsewhere.toUri().toString(), own));
		assertNotNull(PluginFolderInstaller.foreignState(Files.createDirectories(ws.resolve(".frameworks")).toUri().toString(), own));
	}
}
