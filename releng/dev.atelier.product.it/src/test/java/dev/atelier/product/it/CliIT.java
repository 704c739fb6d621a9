package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

class CliIT {

	@Test
	void versionPrintsAtelierAndItsVersion() throws Exception {
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("version").toString()), "--version");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().matches("Atelier 0\\.1\\.0\\.\\d{12}\\n"), run.out());
		assertEquals("", run.err(), "nothing on stderr");
	}

	@Test
	void theLauncherRunsWithoutHomeGivenAWorkspace() throws Exception {
		Path ws = Product.newWorkspace("no-home");
		Product.Run run = Product.runWithout("HOME", Map.of(), "--workspace", ws.toString(), "info", "--json");
		assertEquals(0, run.exitCode(), run.all());
		assertEquals(ws.toString(), JsonParser.parseString(run.out()).getAsJsonObject().get("workspace").getAsString(), run.out());
	}

	@Test
	void aFifoAsTheWorkspaceFileIsRefusedByNameAndCommandsStillRun() throws Exception {
		Path ws = Product.newWorkspace("workspace-fifo");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run rendered = Product.run(env, "render", "--scene", "cornell", "--size", "32x32", "--spp", "1", "--out", ws.resolve("c.png").toString());
		assertEquals(0, rendered.exitCode(), rendered.all());
		Path file = ws.resolve("workspace.xmi");
		Files.deleteIfExists(file);
		Product.fifo(file);
		String refusal = file + ": not a regular file (a FIFO, socket or device)";

		Product.Run jobs = Product.run(env, "jobs");
		assertEquals(0, jobs.exitCode(), jobs.all());
		assertTrue(jobs.err().contains("cannot open the workspace " + file + ": " + refusal), jobs.err());
		assertEquals(1, jobs.out().lines().filter(l -> l.contains("render")).count(), "the job records are still read: " + jobs.out());
		Product.Run again = Product.run(env, "render", "--scene", "cornell", "--size", "32x32", "--spp", "1", "--out", ws.resolve("d.png").toString());
		assertEquals(0, again.exitCode(), again.all());
		assertTrue(again.err().contains("cannot record job") && again.err().contains(refusal), again.err());
		assertFalse(Files.isRegularFile(file), "the FIFO is left as it is");
	}

	@Test
	void anUnknownEnumValueInTheWorkspaceFileKeepsTheRestOfTheWorkspace() throws Exception {
		Path ws = Product.newWorkspace("enum");
		String later = """
				<?xml version="1.0" encoding="UTF-8"?>
				<atelier:Workspace xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI" xmlns:atelier="https://atelier.dev/model/workspace/1.0" name="studio">
				  <projects name="robot"><assets name="robot.glb" kind="hologram" path="projects/robot/robot.glb"/></projects>
				</atelier:Workspace>
				""";
		Files.writeString(ws.resolve("workspace.xmi"), later);
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "jobs");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.err().contains("'hologram'") && run.err().contains("that was left out and the rest kept"), run.err());
		String kept = Files.readString(ws.resolve("workspace.xmi"));
		assertTrue(kept.contains("name=\"robot\"") && kept.contains("projects/robot/robot.glb") && !kept.contains("hologram"), kept);
		try (Stream<Path> files = Files.list(ws)) {
			Path backup = files.filter(f -> f.getFileName().toString().startsWith("workspace.xmi.damaged-")).findFirst().orElseThrow();
			assertEquals(later, Files.readString(backup), "the file as it was is kept");
		}
	}

	@Test
	void infoReportsVersionsOsWorkspaceAndActiveBundles() throws Exception {
		Path ws = Product.newWorkspace("info");
		Product.Run run = Product.run(Map.of(), "--workspace", ws.toString(), "info");
		assertEquals(0, run.exitCode(), run.all());
		for (String field : List.of("atelier:", "java:", "os:", "workspace: " + ws, "bundles:")) {
			assertTrue(run.out().contains(field), "info shows " + field + "\n" + run.out());
		}
		assertTrue(run.out().contains("java:      25."), run.out());
		assertTrue(run.out().contains(Product.home().resolve("jre").toString()), "runs on the bundled JRE\n" + run.out());
	}

	@Test
	void infoJsonNamesTheWorkspaceFromTheEnvironment() throws Exception {
		Path ws = Product.newWorkspace("json");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info", "--json");
		assertEquals(0, run.exitCode(), run.all());
		JsonObject info = JsonParser.parseString(run.out()).getAsJsonObject();
		assertEquals(ws.toString(), info.get("workspace").getAsString(), "ATELIER_WORKSPACE chooses the workspace");
		assertTrue(info.get("bundlesActive").getAsInt() >= 10, run.out());
		assertTrue(info.get("atelier").getAsString().startsWith("0.1.0."), run.out());
		assertTrue(info.get("devices").getAsString().contains("cpu "), "the device service reports its devices: " + run.out());
	}

	@Test
	void everyProductBundleResolvesAndStartsAndTheLogHasNoError() throws Exception {
		Path ws = Product.newWorkspace("bundles");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "bundles", "--start", "--json");
		assertEquals(0, run.exitCode(), run.all());
		int count = 0;
		for (JsonElement e : JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("bundles")) {
			JsonObject bundle = e.getAsJsonObject();
			String expected = bundle.get("fragment").getAsBoolean() ? "RESOLVED" : "ACTIVE";
			assertEquals(expected, bundle.get("state").getAsString(), bundle.get("symbolicName").getAsString() + ": " + bundle);
			count++;
		}
		assertTrue(count >= 70, "the product's bundles: " + count);
		assertEquals(List.of(), Product.errorEntries(ws));
	}

	@Test
	void unknownSubcommandPrintsTheKnownOnesAndExitsNonZero() throws Exception {
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("unknown").toString()), "paint", "--fast");
		assertEquals(2, run.exitCode(), run.all());
		assertTrue(run.err().contains("unknown subcommand 'paint'"), run.err());
		assertTrue(run.err().contains("subcommands:") && run.err().contains("  info"), run.err());
	}

	@Test
	void badUsageIsOneLineWithExitCodeTwoAndHelpIsGenerated() throws Exception {
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", Product.newWorkspace("usage").toString());
		Product.Run spp = Product.run(env, "render", "--scene", "cornell", "--spp", "x");
		assertEquals(2, spp.exitCode(), spp.all());
		assertEquals("atelier render: --spp: 'x' is not a whole number (see atelier render --help)\n", spp.err());
		Product.Run device = Product.run(env, "plan", "--device", "gpu0", "sd15@512x512x1");
		assertEquals(2, device.exitCode(), device.all());
		assertEquals("atelier plan: --device: 'gpu0' is not a device id: cpu, cuda:N, sim:PROFILE or auto (see atelier plan --help)\n", device.err());
		Product.Run help = Product.run(env, "help", "llm");
		assertEquals(0, help.exitCode(), help.all());
		assertTrue(help.out().contains("usage: atelier llm") && help.out().contains("  generate") && help.out().contains("  key"), help.out());
		Product.Run sub = Product.run(env, "llm", "generate", "--help");
		assertEquals(0, sub.exitCode(), sub.all());
		assertTrue(sub.out().contains("--prompt-ids") && sub.out().contains("--max-tokens"), sub.out());
	}

	@Test
	void completionBashCoversTheInstalledSubcommands() throws Exception {
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("completion").toString()), "completion", "bash");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().startsWith("#!/usr/bin/env bash") && run.out().contains("complete -F _complete_atelier"), run.out());
		for (String word : List.of("render", "generate", "tokenize", "--spp", "--simulate", "--prompt-ids")) {
			assertTrue(run.out().contains(word), "completes " + word);
		}
	}

	@Test
	void workspaceOptionWithoutDirectoryIsAUsageError() throws Exception {
		Product.Run run = Product.run(Map.of(), "info", "--workspace");
		assertEquals(2, run.exitCode(), run.all());
		assertTrue(run.err().contains("--workspace needs a directory"), run.err());
	}
}
