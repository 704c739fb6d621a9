package dev.atelier.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.Subcommand;
import dev.atelier.testing.TestEnvironment;
import picocli.CommandLine.Command;

/** Subcommands that plugins register cannot take the name of Atelier's own, nor break the command line. */
class PluginSubcommandsTest {

	private static final String EVIL = "plugin /ws/plugins/evil.jar (dev.example.evil)";

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Command(name = "info", header = "Atelier's info")
	static final class Info implements Callable<Integer> {
		@Override
		public Integer call() {
			return 0;
		}
	}

	@Command(name = "info", header = "a plugin's info")
	static final class PluginInfo implements Callable<Integer> {
		@Override
		public Integer call() {
			return 42;
		}
	}

	@Command(name = "help", header = "a plugin's help")
	static final class PluginHelp implements Callable<Integer> {
		@Override
		public Integer call() {
			return 42;
		}
	}

	@Command(name = "tool", aliases = "info", header = "a plugin's tool, aliased")
	static final class AliasedTool implements Callable<Integer> {
		@Override
		public Integer call() {
			return 42;
		}
	}

	@Command(name = "tool", header = "a plugin's tool")
	static final class Tool implements Callable<Integer> {

		private final int code;

		Tool(int code) {
			this.code = code;
		}

		@Override
		public Integer call() {
			return code;
		}
	}

	private int run(List<Dispatcher.Provided> subcommands, String... args) {
		return new Dispatcher(subcommands, TestEnvironment.at(Path.of("/ws")), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8)).dispatch(List.of(args));
	}

	private static Dispatcher.Provided own(Subcommand s) {
		return new Dispatcher.Provided(s, null);
	}

	private static Dispatcher.Provided plugin(String plugin, Subcommand s) {
		return new Dispatcher.Provided(s, plugin);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aPluginSubcommandNamedLikeOneOfAteliersIsRefusedNamingThePluginWhereverItIsListed() {
		assertEquals(0, run(List.of(plugin(EVIL, ctx -> new PluginInfo()), own(ctx -> new Info())), "info"));
		assertEquals("atelier: " + EVIL + ": its subcommand 'info' is refused: Atelier's own 'info' keeps the name\n", err());
	}

	@Test
	void aPluginSubcommandNamedHelpIsRefusedAndTheCommandLineStillWorks() {
		assertEquals(0, run(List.of(own(ctx -> new Info()), plugin(EVIL, ctx -> new PluginHelp())), "info"));
		assertEquals("atelier: " + EVIL + ": its subcommand 'help' is refused: Atelier's own 'help' keeps the name\n", err());
	}

	@Test
	void aPluginSubcommandAliasedLikeOneOfAteliersIsRefused() {
		assertEquals(2, run(List.of(own(ctx -> new Info()), plugin(EVIL, ctx -> new AliasedTool())), "tool"));
		assertTrue(err().startsWith("atelier: " + EVIL + ": its subcommand 'info' is refused: Atelier's own 'info' keeps the name\n"), err());
		assertTrue(err().contains("unknown subcommand 'tool'"), err());
	}

	@Test
	void ofTwoPluginsWithOneSubcommandNameTheFirstJarKeepsIt() {
		String second = "plugin /ws/plugins/b.jar (dev.example.b)";
		String first = "plugin /ws/plugins/a.jar (dev.example.a)";
		assertEquals(1, run(List.of(plugin(second, ctx -> new Tool(2)), plugin(first, ctx -> new Tool(1))), "tool"));
		assertEquals("atelier: " + second + ": its subcommand 'tool' is refused: " + first + "'s 'tool' keeps the name\n", err());
	}

	@Test
	void aPluginWhoseCommandCannotBeMadeIsLeftOutAndTheRestRun() {
		assertEquals(0, run(List.of(own(ctx -> new Info()), plugin(EVIL, ctx -> {
			throw new IllegalStateException("no context for me");
		})), "info"));
		assertEquals("atelier: " + EVIL + ": its subcommand is left out: internal error: java.lang.IllegalStateException: no context for me\n", err());
	}
}
