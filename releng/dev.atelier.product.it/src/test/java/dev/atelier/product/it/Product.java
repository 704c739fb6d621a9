package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Assumptions;

/** The product as a user gets it: the archive unpacked into a fresh folder, run as a separate process. */
final class Product {

	record Run(int exitCode, String out, String err) {
		String all() {
			return out + err;
		}
	}

	private static Path home;

	private Product() {
	}

	private static Path headless;

	static synchronized Path home() throws IOException, InterruptedException {
		if (home == null) {
			home = unpack(System.getProperty("atelier.archive"), "unpacked", "atelier");
		}
		return home;
	}

	/** The headless product (no workbench), unpacked as {@link #home} is. */
	static synchronized Path headlessHome() throws IOException, InterruptedException {
		if (headless == null) {
			headless = unpack(System.getProperty("atelier.headless.archive"), "unpacked-headless", "atelier-headless");
		}
		return headless;
	}

	private static Path unpack(String archiveName, String folder, String top) throws IOException, InterruptedException {
		Path archive = Path.of(archiveName);
		assertTrue(Files.isRegularFile(archive), "product archive " + archive + " was built");
		Path dir = Path.of(System.getProperty("atelier.it.dir")).resolve(folder);
		if (Files.exists(dir)) {
			try (Stream<Path> files = Files.walk(dir)) {
				files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
			}
		}
		Files.createDirectories(dir);
		Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
		assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "unpacking " + archive);
		Path unpacked = dir.resolve(top);
		assertTrue(Files.isExecutable(unpacked.resolve("atelier")), "the archive has an executable atelier script");
		assertTrue(Files.isExecutable(unpacked.resolve("jre/bin/java")), "the archive carries its own Java runtime");
		return unpacked;
	}

	static Path newWorkspace(String name) throws IOException {
		Path ws = Path.of(System.getProperty("atelier.it.dir")).resolve("workspaces").resolve(name + "-" + System.nanoTime());
		Files.createDirectories(ws);
		return ws;
	}

	/**
	 * A tiny model with phi-3's vocabulary — whose GGUF carries a Jinja chat template — written and asked "hello" with
	 * the IDE's product or the headless one; skipped, saying so, without ATELIER_TESTDATA.
	 */
	static Run chatWithAJinjaTemplate(boolean headless) throws IOException, InterruptedException {
		String data = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(data != null && !data.isBlank(), "ATELIER_TESTDATA is not set: skipping the chat (it needs phi-3's vocabulary)");
		Path vocab = Path.of(data, "llm/gguf-vocab/ggml-vocab-phi-3.gguf");
		Path ws = newWorkspace(headless ? "headless-jinja" : "llm-jinja");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Path model = ws.resolve("tiny.gguf");
		String[] synth = { "llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab", vocab.toString(), "--out", model.toString() };
		Run written = headless ? runHeadless(env, synth) : run(env, synth);
		assertEquals(0, written.exitCode(), written.all());
		String[] chat = { "chat", "--model", model.toString(), "--prompt", "hello", "--max-tokens", "4", "--device", "cpu" };
		return headless ? runHeadless(env, chat) : run(env, chat);
	}

	/** Makes a FIFO at {@code path}: a file whose reader waits forever for a writer. */
	static Path fifo(Path path) throws IOException, InterruptedException {
		assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor(), "mkfifo " + path);
		return path;
	}

	/** Runs {@code atelier args…} with the given environment additions, without JAVA_HOME to prove the JRE is bundled. */
	static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
		return runWithInput(env, null, args);
	}

	/** As {@link #run}, with {@code input} (or nothing, when null) on standard input. */
	static Run runWithInput(Map<String, String> env, String input, String... args) throws IOException, InterruptedException {
		return runWithInput(builder(env, args), input, args);
	}

	/** As {@link #run}, with the headless product. */
	static Run runHeadless(Map<String, String> env, String... args) throws IOException, InterruptedException {
		return runWithInput(builder(headlessHome(), env, args), null, args);
	}

	/** As {@link #run}, with the environment variable {@code unset} removed (HOME, as cron and systemd units run). */
	static Run runWithout(String unset, Map<String, String> env, String... args) throws IOException, InterruptedException {
		ProcessBuilder builder = builder(env, args);
		builder.environment().remove(unset);
		return runWithInput(builder, null, args);
	}

	private static Run runWithInput(ProcessBuilder builder, String input, String... args) throws IOException, InterruptedException {
		Path out = Files.createTempFile("atelier-out", ".txt");
		Path err = Files.createTempFile("atelier-err", ".txt");
		Path in = input == null ? Path.of("/dev/null") : Files.writeString(Files.createTempFile("atelier-in", ".txt"), input);
		builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(in.toFile()));
		Process process = builder.start();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("atelier " + String.join(" ", args) + " did not finish within 120 s");
		}
		Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
		Files.delete(out);
		Files.delete(err);
		return run;
	}

	/** {@code atelier args…} with the given environment additions, without JAVA_HOME to prove the JRE is bundled. */
	private static ProcessBuilder builder(Map<String, String> env, String... args) throws IOException, InterruptedException {
		return builder(home(), env, args);
	}

	private static ProcessBuilder builder(Path installation, Map<String, String> env, String... args) {
		List<String> command = new ArrayList<>();
		command.add(installation.resolve("atelier").toString());
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().remove("JAVA_HOME");
		builder.environment().remove("ATELIER_WORKSPACE");
		builder.environment().putAll(env);
		return builder;
	}

	/** The workspace's job records as {@code atelier jobs --json} prints them, newest first. */
	static JsonArray jobs(Path workspace) throws IOException, InterruptedException {
		Run run = run(Map.of("ATELIER_WORKSPACE", workspace.toString()), "jobs", "--json");
		assertTrue(run.exitCode() == 0, run.all());
		return JsonParser.parseString(run.out()).getAsJsonArray();
	}

	/** Starts {@code atelier args…} without waiting, its standard error going to {@code err}. */
	static Process start(Map<String, String> env, Path err, String... args) throws IOException, InterruptedException {
		return builder(env, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
	}

	/** Error entries ("!ENTRY <bundle> 4 …") in the Equinox logs of the installation and of a workspace (and its framework state). */
	static List<String> errorEntries(Path workspace) throws IOException, InterruptedException {
		List<Path> logs = new ArrayList<>();
		for (Path configuration : List.of(home().resolve("configuration"), workspace.resolve(".framework"))) {
			if (Files.isDirectory(configuration)) {
				try (Stream<Path> files = Files.walk(configuration)) {
					files.filter(p -> p.getFileName().toString().endsWith(".log")).forEach(logs::add);
				}
			}
		}
		Path metadataLog = workspace.resolve(".metadata/.log");
		if (Files.exists(metadataLog)) {
			logs.add(metadataLog);
		}
		List<String> errors = new ArrayList<>();
		for (Path log : logs) {
			List<String> lines = Files.readAllLines(log);
			for (int i = 0; i < lines.size(); i++) {
				if (lines.get(i).matches("!ENTRY \\S+ 4 .*")) {
					errors.add(log + ": " + lines.get(i) + (i + 1 < lines.size() ? " " + lines.get(i + 1) : ""));
				}
			}
		}
		Path atelierLogs = workspace.resolve("logs");
		if (Files.isDirectory(atelierLogs)) {
			try (Stream<Path> files = Files.list(atelierLogs)) {
				for (Path log : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
					Files.readAllLines(log).stream().filter(l -> l.contains(" SEVERE ")).map(l -> log + ": " + l).forEach(errors::add);
				}
			}
		}
		return errors;
	}
}
