package dev.atelier.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.testing.ManualClock;
import dev.atelier.testing.TestEnvironment;

/** {@code atelier doctor} over checks of known findings: order, fixes, a failing check, exit code and JSON. */
class DoctorCommandTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private static final AtelierEnvironment ENV = TestEnvironment.at(Path.of("/tmp/ws"));

	private static DoctorCheck check(int order, Finding... findings) {
		return new DoctorCheck() {
			@Override
			public int order() {
				return order;
			}

			@Override
			public List<Finding> run(AtelierEnvironment environment) {
				return List.of(findings);
			}
		};
	}

	private static final DoctorCheck BROKEN = new DoctorCheck() {
		@Override
		public int order() {
			return 300;
		}

		@Override
		public List<Finding> run(AtelierEnvironment environment) {
			throw new IllegalStateException("probe exploded");
		}
	};

	private final ManualClock clock = new ManualClock();

	/**
	 * A check that moves the clock {@code by} and then waits for {@code release}: how long it runs is the clock's, not
	 * the machine's.
	 */
	private DoctorCheck slow(String name, Duration by, CountDownLatch release, Finding finding) {
		return new DoctorCheck() {
			@Override
			public int order() {
				return 100;
			}

			@Override
			public String name() {
				return name;
			}

			@Override
			public List<Finding> run(AtelierEnvironment environment) {
				clock.advance(by);
				try {
					release.await();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				return List.of(finding);
			}
		};
	}

	private int doctor(List<DoctorCheck> checks, String... args) {
		DoctorCommand command = new DoctorCommand();
		command.checks = checks;
		command.clock = clock;
		CommandContext ctx = CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), ENV);
		return Cli.run(List.of(command), ctx, List.of(args));
	}

	@Test
	void problemsAreReportedWithTheirFixesInTheChecksOrderAndTheExitCodeIsZero() {
		List<DoctorCheck> checks = List.of(check(600, Finding.ok("plugins", "none in /tmp/ws/plugins")),
				check(100, Finding.problem("NVIDIA driver", "libcuda.so.1 cannot be loaded", "install the NVIDIA driver")));
		int code = doctor(checks, "doctor");
		String text = out.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + err);
		assertTrue(text.indexOf("NVIDIA driver") < text.indexOf("plugins"), text);
		assertTrue(text.contains("PROBLEM  NVIDIA driver  libcuda.so.1 cannot be loaded"), text);
		assertTrue(text.contains("fix: install the NVIDIA driver"), text);
		assertTrue(text.contains("ok       plugins"), text);
		assertTrue(text.contains("1 problem(s) found"), text);
	}

	@Test
	void aCheckThatThrowsBecomesAProblemAndTheOtherChecksStillReport() {
		int code = doctor(List.of(BROKEN, check(500, Finding.ok("workspace disk", "99.0 GiB free"))), "doctor", "--json");
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		JsonObject doc = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject();
		assertEquals(1, doc.get("problems").getAsInt());
		JsonObject failed = doc.getAsJsonArray("findings").get(0).getAsJsonObject();
		assertTrue(failed.get("detail").getAsString().contains("probe exploded"), failed.toString());
		assertTrue(failed.get("fix").getAsString().contains("/tmp/ws/logs"), failed.toString());
		JsonObject disk = doc.getAsJsonArray("findings").get(1).getAsJsonObject();
		assertEquals("workspace disk", disk.get("subject").getAsString());
		assertTrue(disk.get("ok").getAsBoolean());
		assertTrue(disk.get("fix").isJsonNull());
	}

	@Test
	void aCheckThatHangsPastItsTimeoutIsAProblemNamingItAndTheOtherChecksStillReport() {
		CountDownLatch never = new CountDownLatch(1);
		try {
			int code = doctor(List.of(slow("OpenGL probe", DoctorCommand.CHECK_TIMEOUT.plusSeconds(1), never, Finding.ok("OpenGL", "4.6")),
					check(500, Finding.ok("workspace disk", "99.0 GiB free"))), "doctor", "--json");
			assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		} finally {
			never.countDown();
		}
		JsonObject doc = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject();
		assertEquals(1, doc.get("problems").getAsInt(), doc.toString());
		JsonObject hung = doc.getAsJsonArray("findings").get(0).getAsJsonObject();
		assertEquals("OpenGL probe", hung.get("subject").getAsString());
		assertTrue(hung.get("detail").getAsString().startsWith("the check did not finish within 20s"), hung.toString());
		assertTrue(hung.get("fix").getAsString().contains("/tmp/ws/logs"), hung.toString());
		assertEquals("workspace disk", doc.getAsJsonArray("findings").get(1).getAsJsonObject().get("subject").getAsString());
	}

	@Test
	void aSlowCheckThatFinishesWithinItsTimeoutIsReportedAsItFound() throws Exception {
		CountDownLatch released = new CountDownLatch(1);
		DoctorCheck slow = slow("CUDA driver", DoctorCommand.CHECK_TIMEOUT.minusSeconds(1), released, Finding.ok("NVIDIA driver", "580.65"));
		released.countDown(); // it finishes however late the machine runs it, having taken 19 s by the clock
		int code = doctor(List.of(slow), "doctor");
		String text = out.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + err);
		assertTrue(text.contains("ok       NVIDIA driver  580.65"), text);
		assertTrue(text.contains("no problems found"), text);
	}
}
