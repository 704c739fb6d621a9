package dev.atelier.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.ImageSize;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.cli.internal.CompletionCommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.testing.TestEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line over subcommands declared as plugins declare them: parsing, conversion, help, errors, completion. */
class CliTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();
	private final List<Paint> ran = new ArrayList<>();

	private static final AtelierEnvironment ENV = TestEnvironment.at(Path.of("/tmp/ws"));

	@Command(name = "paint", header = "does paint", description = "Paints with typed options.")
	final class Paint implements Callable<Integer> {

		@Option(names = "--spp", description = "samples per pixel")
		int spp = 1;

		@Option(names = "--size", paramLabel = "WxH")
		ImageSize size;

		@Option(names = "--time")
		Duration time;

		@Option(names = "--device", paramLabel = "ID")
		DeviceId device;

		@Option(names = "--devices", paramLabel = "ID,ID…|all")
		DeviceSelection devices;

		@Option(names = "--strength")
		double strength;

		@Parameters(arity = "0..1", paramLabel = "FILE")
		Path file;

		@Override
		public Integer call() {
			ran.add(this);
			return switch (spp) {
			case 13 -> throw new UsageException("--spp 13 is unlucky");
			case 14 -> throw new IllegalStateException("boom");
			case 15 -> throw new OutOfMemoryError("Java heap space");
			case 16 -> CompletableFuture.<Integer>supplyAsync(() -> { // a job's thread ran out of memory, and the command waited for it
				throw new OutOfMemoryError("Java heap space");
			}).join();
			default -> 3;
			};
		}
	}

	@Command(name = "llm", header = "tools", subcommands = { Llm.Tokenize.class })
	static final class Llm {

		@Command(name = "tokenize", header = "token ids")
		static final class Tokenize implements Callable<Integer> {

			@Option(names = "--model", required = true, paramLabel = "FILE")
			Path model;

			@Override
			public Integer call() {
				return 0;
			}
		}
	}

	/** A command that runs itself and also has a subcommand, as {@code atelier serve} and {@code serve key}. */
	@Command(name = "serve", header = "serves", subcommands = { Serve.Key.class })
	static final class Serve implements Callable<Integer> {

		@Override
		public Integer call() {
			return 7;
		}

		@Command(name = "key", header = "a key")
		static final class Key implements Callable<Integer> {

			@Override
			public Integer call() {
				return 9;
			}
		}
	}

	@Test
	void aCommandWithSubcommandsAndACallRunsItselfWithoutOne() {
		List<Subcommand> serve = List.of(ctx -> new Serve());
		assertEquals(7, run(serve, "serve"));
		assertEquals(9, run(serve, "serve", "key"));
		assertEquals("", err());
	}

	private int run(String... args) {
		return run(List.of(ctx -> new Paint(), ctx -> new Llm(), new CompletionCommand()), args);
	}

	private int run(List<Subcommand> subcommands, String... args) {
		return Cli.run(subcommands, CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
				ENV), List.of(args));
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void optionsArriveTypedAndTheCommandsCodeIsTheExitCode() {
		assertEquals(3, run("--workspace", "/w", "paint", "--spp", "64", "--size", "1280x720", "--time", "1.5s", "--device", "cuda:1", "--devices",
				"cuda:0,sim:rtx4090", "--strength=0.25", "scene.gltf", "--workspace=/v"));
		Paint p = ran.get(0);
		assertEquals(64, p.spp);
		assertEquals(new ImageSize(1280, 720), p.size);
		assertEquals(Duration.ofMillis(1500), p.time);
		assertEquals(new DeviceId("cuda:1"), p.device);
		assertEquals(List.of(new DeviceId("cuda:0"), new DeviceId("sim:rtx4090")), p.devices.ids());
		assertEquals(0.25, p.strength);
		assertEquals(Path.of("scene.gltf"), p.file);
		assertEquals("", err());
	}

	@Test
	void aRepeatedOptionTakesTheLastValue() {
		assertEquals(3, run("paint", "--spp", "2", "--spp", "5"));
		assertEquals(5, ran.get(0).spp);
	}

	@Test
	void aBadValueIsOneLineNamingTheOptionWithExitCodeTwo() {
		assertUsage("atelier paint: --spp: 'x' is not a whole number (see atelier paint --help)", "paint", "--spp", "x");
		assertUsage("atelier paint: --size: '12' is not WIDTHxHEIGHT with positive whole numbers, e.g. 1280x720 (see atelier paint --help)",
				"paint", "--size", "12");
		assertUsage("atelier paint: --time: 'soon' is not a duration such as 500ms, 2s or 1m (see atelier paint --help)", "paint", "--time", "soon");
		assertUsage("atelier paint: --device: 'gpu0' is not a device id: cpu, cuda:N, sim:PROFILE or auto (see atelier paint --help)",
				"paint", "--device", "gpu0");
		assertUsage("atelier paint: --strength: 'lots' is not a number (see atelier paint --help)", "paint", "--strength", "lots");
		assertTrue(ran.isEmpty(), "a refused command does not run");
	}

	@Test
	void badUsageIsOneLineWithExitCodeTwo() {
		assertUsage("atelier paint: unknown option '--fast' (see atelier paint --help)", "paint", "--fast");
		assertUsage("atelier paint: unexpected argument 'b.gltf' (see atelier paint --help)", "paint", "a.gltf", "b.gltf");
		assertUsage("atelier paint: missing required parameter for option '--spp' (<spp>) (see atelier paint --help)", "paint", "--spp");
		assertUsage("atelier llm tokenize: missing required option: '--model=FILE' (see atelier llm tokenize --help)", "llm", "tokenize");
		assertUsage("atelier llm: a subcommand is needed: tokenize (see atelier llm --help)", "llm");
		assertUsage("atelier llm: unknown subcommand 'paint'; known: tokenize (see atelier llm --help)", "llm", "paint");
		assertUsage("atelier: unknown option '--fast' (see atelier --help)", "--fast");
		assertUsage("atelier paint: --spp 13 is unlucky (see atelier paint --help)", "paint", "--spp", "13");
		assertUsage("atelier completion: SHELL: expected one of [bash] (case-sensitive) but was 'fish' (see atelier completion --help)",
				"completion", "fish");
	}

	private void assertUsage(String line, String... args) {
		out.reset();
		err.reset();
		assertEquals(2, run(args), err());
		assertEquals(line + "\n", err());
		assertEquals("", out());
	}

	@Test
	void exceptionsAndErrorsOfACommandAreInternalErrorsWithExitCodeOne() {
		assertEquals(1, run("paint", "--spp", "14"));
		assertEquals("atelier paint: internal error: java.lang.IllegalStateException: boom\n", err());
	}

	@Test
	void runningOutOfMemoryIsOneLineThatSaysSoAndHowToGiveJavaMore() {
		String heap = String.format(Locale.ROOT, "%.1f", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
		String line = "atelier paint: out of memory (Java heap space): the job needs more than the " + heap
				+ " GiB Java heap; try a smaller job, or give Java more with ATELIER_VMARGS=-Xmx<size>\n";
		assertEquals(1, run("paint", "--spp", "15"));
		assertEquals(line, err());
		err.reset();
		assertEquals(1, run("paint", "--spp", "16"), "in a job's thread too");
		assertEquals(line, err());
	}

	@Test
	void aSubcommandThatCannotBeBuiltIsReportedAndTheOthersStillRun() {
		assertEquals(1, run(List.of(ctx -> new Paint(), ctx -> {
			throw new LinkageError("broken plugin");
		}), "paint"));
		assertEquals("atelier: internal error: java.lang.LinkageError: broken plugin\n", err());
	}

	@Test
	void versionPrintsAtelierAndItsVersion() {
		assertEquals(0, run("--version"));
		assertEquals("Atelier 0.1.0.test\n", out());
	}

	@Test
	void unknownSubcommandListsTheKnownOnesAndFails() {
		assertEquals(2, run("draw", "--fast"));
		assertTrue(err().startsWith("atelier: unknown subcommand 'draw'\n"), err());
		assertTrue(err().contains("subcommands:\n") && err().contains("  paint") && err().contains("  llm") && err().contains("  help"), err());
		assertEquals(2, run("help", "draw"));
		assertTrue(err().contains("atelier help: unknown subcommand 'draw'"), err());
		assertTrue(ran.isEmpty());
	}

	@Test
	void workspaceOptionWithoutValueIsAUsageError() {
		assertEquals(2, run("paint", "--workspace"));
		assertTrue(err().contains("--workspace needs a directory"), err());
	}

	@Test
	void helpIsGeneratedForTheToolAndEverySubcommandAndExitsZero() {
		assertEquals(0, run("--help"));
		assertTrue(out().contains("Atelier 0.1.0.test"), out());
		assertTrue(out().contains("--workspace"), out());
		assertTrue(out().matches("(?s).*subcommands:\n.*  paint +does paint\n.*"), out());
		assertEquals(0, run());
		for (String[] args : List.of(new String[] { "help", "paint" }, new String[] { "paint", "--help" }, new String[] { "paint", "-h" })) {
			out.reset();
			assertEquals(0, run(args));
			assertTrue(out().startsWith("does paint\nusage: atelier paint "), out());
			assertTrue(out().contains("Paints with typed options.") && out().contains("--spp=<spp>") && out().contains("samples per pixel"), out());
		}
		out.reset();
		assertEquals(0, run("llm", "tokenize", "--help"));
		assertTrue(out().startsWith("token ids\nusage: atelier llm tokenize "), out());
		assertTrue(ran.isEmpty(), "--help does not run the subcommand");
		assertEquals("", err());
	}

	@Test
	void completionBashCompletesSubcommandsAndTheirOptions() {
		assertEquals(0, run("completion", "bash"), err());
		String script = out();
		assertTrue(script.startsWith("#!/usr/bin/env bash"), script);
		assertTrue(script.contains("complete -F _complete_atelier") && script.contains("paint") && script.contains("tokenize")
				&& script.contains("--spp") && script.contains("--model"), script);
	}
}
