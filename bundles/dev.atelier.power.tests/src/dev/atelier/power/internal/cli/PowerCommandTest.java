package dev.atelier.power.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import picocli.CommandLine.TypeConversionException;

/** atelier power's options: the sampling interval and the refusals of bad values, before any device is read. */
class PowerCommandTest {

	@Test
	void intervalsParseAndTooShortOnesAreRefused() {
		PowerCommand.Interval interval = new PowerCommand.Interval();
		assertEquals(Duration.ofMillis(500), interval.convert("500ms"));
		assertEquals(Duration.ofMillis(1500), interval.convert("1.5s"));
		assertEquals(Duration.ofMillis(10), interval.convert("10"), "bare numbers are milliseconds");
		assertEquals("'5ms' is shorter than 10ms", assertThrows(TypeConversionException.class, () -> interval.convert("5ms")).getMessage());
	}

	@Test
	void badValuesAreOneLineUsageErrors() {
		assertUsage("atelier power: --interval: '1ms' is shorter than 10ms (see atelier power --help)", "--watch", "--interval", "1ms");
		assertUsage("atelier power: --count: 0 is less than 1 (see atelier power --help)", "--watch", "--count", "0");
		assertUsage("atelier power: --simulate: unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090 (see atelier power --help)",
				"--simulate", "rtx9090");
	}

	@Test
	void aFullDiskEndsTheCsvLogWithAnErrorNamingTheFile() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		// /dev/full refuses every write with ENOSPC, as a full disk does
		int code = Cli.run(List.of(new PowerCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null),
				List.of("power", "--watch", "--count", "2", "--interval", "10ms", "--simulate", "rtx4090", "--csv", "/dev/full"));
		assertEquals(1, code, err.toString(StandardCharsets.UTF_8));
		assertEquals("atelier power: cannot write /dev/full: No space left on device\n", err.toString(StandardCharsets.UTF_8));
	}

	private static void assertUsage(String line, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> command = new java.util.ArrayList<>(List.of("power"));
		command.addAll(List.of(args));
		int code = Cli.run(List.of(new PowerCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), command);
		assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
		assertEquals(line + "\n", err.toString(StandardCharsets.UTF_8));
		assertEquals("", out.toString(StandardCharsets.UTF_8));
	}
}
