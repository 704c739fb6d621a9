package dev.atelier.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.Durations;
import dev.atelier.cli.UsageException;
import dev.atelier.cli.ImageSize;

/** The value types every subcommand shares: sizes, durations, device ids and sets of devices. */
class ConvertersTest {

	@Test
	void sizesAreWidthByHeight() {
		assertEquals(new ImageSize(1280, 720), ImageSize.parse("1280x720"));
		assertEquals(new ImageSize(64, 96), ImageSize.parse(" 64X96 "));
		assertEquals("512x768", ImageSize.parse("512x768").toString());
		for (String bad : List.of("1280", "1280x", "x720", "0x720", "12x-4", "axb", "1x2x3", "")) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSize.parse(bad), bad);
			assertEquals("'" + bad + "' is not WIDTHxHEIGHT with positive whole numbers, e.g. 1280x720", e.getMessage());
		}
	}

	@Test
	void durationsTakeAUnitOrTheOptionsOwn() {
		assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
		assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
		assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
		assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
		assertEquals(Duration.ofHours(2), Durations.parse("2h"));
		assertEquals(Duration.ofMillis(250), Durations.parse(".25"), "bare numbers in seconds by default");
		assertEquals(Duration.ofMillis(10), Durations.parse("10", ChronoUnit.MILLIS));
		assertEquals(Duration.ofMillis(10), Durations.parse("10ms", ChronoUnit.MILLIS));
		for (String bad : List.of("soon", "-1s", "1 fortnight", "ms", "1e3")) {
			assertEquals("'" + bad + "' is not a duration such as 500ms, 2s or 1m",
					assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad).getMessage());
		}
		for (String text : List.of("250ms", "2s", "3m", "1500ms")) {
			assertEquals(text, Durations.format(Durations.parse(text)));
		}
	}

	@Test
	void outputPathsAreCheckedBeforeTheWorkNamingTheOptionAndWhy(@TempDir Path dir) throws IOException {
		Path file = Files.writeString(dir.resolve("a-file"), "");
		assertEquals(dir.resolve("new/deeper/x.png"), UsageException.writableFile(dir.resolve("new/deeper/x.png"), "--out"), "folders are made later");
		assertEquals(file, UsageException.writableFile(file, "--out"), "an existing file named on purpose is replaced");
		assertEquals("--out: cannot write " + dir + ": it is a folder", assertThrows(UsageException.class, () -> UsageException.writableFile(dir, "--out"))
				.getMessage());
		assertEquals("--json: cannot write " + file.resolve("r.json") + ": " + file + " is not a folder",
				assertThrows(UsageException.class, () -> UsageException.writableFile(file.resolve("r.json"), "--json")).getMessage());
		assertEquals(dir, UsageException.writableFolder(dir, "--out"));
		assertEquals("--out: cannot write into " + file + ": it is a file, not a folder",
				assertThrows(UsageException.class, () -> UsageException.writableFolder(file, "--out")).getMessage());
	}

	@Test
	void aDurationTooLongToCountIsRefusedRatherThanWrappedRound() {
		assertEquals("'3000000h' is longer than 2562047 hours",
				assertThrows(IllegalArgumentException.class, () -> Durations.parse("3000000h")).getMessage());
		assertEquals(Duration.ofHours(2_562_047), Durations.parse("2562047h"));
	}

	@Test
	void deviceIdsAreTheIdsAtelierDevicesListsOrAuto() {
		for (String id : List.of("cpu", "auto", "cuda:0", "cuda:12", "sim:rtx4090", "sim:h100")) {
			assertEquals(id, DeviceId.parse(id).id());
		}
		assertTrue(DeviceId.parse("auto").isAuto());
		for (String bad : List.of("gpu", "cuda", "cuda:x", "CPU", "sim:", "cuda:0,cuda:1", "")) {
			assertEquals("'" + bad + "' is not a device id: cpu, cuda:N, sim:PROFILE or auto",
					assertThrows(IllegalArgumentException.class, () -> DeviceId.parse(bad), bad).getMessage());
		}
	}

	@Test
	void deviceSelectionsListIdsOrSayAll() {
		assertTrue(DeviceSelection.parse("all").all());
		DeviceSelection two = DeviceSelection.parse("cuda:0,cuda:1");
		assertEquals(List.of(new DeviceId("cuda:0"), new DeviceId("cuda:1")), two.ids());
		assertEquals("cuda:0,cuda:1", two.toString());
		assertEquals("'cuda:0,cuda:0' names a device twice",
				assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:0,cuda:0")).getMessage());
		assertEquals("'cpu,auto': auto chooses one device; list the ids or say all",
				assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cpu,auto")).getMessage());
		assertEquals("'' is not a device id: cpu, cuda:N, sim:PROFILE or auto",
				assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse("cuda:0,")).getMessage());
	}
}
