package dev.atelier.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.internal.Dispatcher;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;

class DispatcherTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();
	private final List<List<String>> calls = new ArrayList<>();

	private final AtelierEnvironment env = new AtelierEnvironment() {
		@Override
		public String version() {
			return "0.1.0.test";
		}

		@Override
		public AtelierPaths paths() {
			return new AtelierPaths(Path.of("/tmp/ws"));
		}

		@Override
		public List<String> arguments() {
			return List.of();
		}
	};

	private Subcommand command(String name, int code) {
		return new Subcommand() {
			@Override
			public String name() {
				return name;
			}

			@Override
			public String summary() {
				return "does " + name;
			}

			@Override
			public int run(CommandContext context) {
				calls.add(context.args());
				if (code < 0) {
					throw new IllegalStateException("boom");
				}
				return code;
			}
		};
	}

	private int run(String... args) {
		Dispatcher d = new Dispatcher(List.of(command("info", 0), command("bench", 3), command("crash", -1)), env,
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return d.dispatch(List.of(args));
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void versionPrintsAtelierAndItsVersion() {
		assertEquals(0, run("--version"));
		assertEquals("Atelier 0.1.0.test\n", out());
	}

	@Test
	void unknownSubcommandListsTheKnownOnesAndFails() {
		assertEquals(2, run("paint", "--fast"));
		assertTrue(err().contains("unknown subcommand 'paint'"), err());
		for (String known : List.of("bench", "crash", "info")) {
			assertTrue(err().contains("  " + known), err());
		}
		assertTrue(calls.isEmpty());
	}

	@Test
	void subcommandGetsItsArgumentsWithoutTheWorkspaceOptionAndItsExitCode() {
		assertEquals(3, run("--workspace", "/w", "bench", "--suite", "cpu", "--workspace=/v"));
		assertEquals(List.of(List.of("--suite", "cpu")), calls);
	}

	@Test
	void workspaceOptionWithoutValueIsAUsageError() {
		assertEquals(2, run("info", "--workspace"));
		assertTrue(err().contains("--workspace needs a directory"), err());
	}

	@Test
	void helpListsEverySubcommandWithItsSummary() {
		assertEquals(0, run("--help"));
		assertTrue(out().contains("info   does info"), out());
		assertEquals(0, run("help", "bench"));
		assertTrue(out().contains("usage: atelier bench"), out());
		assertEquals(0, run("info", "--help"));
		assertTrue(calls.isEmpty(), "--help does not run the subcommand");
	}

	@Test
	void failingSubcommandIsReportedAsAnInternalErrorWithExitCodeOne() {
		assertEquals(1, run("crash"));
		assertTrue(err().contains("atelier crash: internal error: java.lang.IllegalStateException: boom"), err());
	}
}
