package dev.atelier.device.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.testing.devices.BatchWorkload;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;

/** {@code atelier plan --devices}: the split of a workload over several cards, each card's parts planned on its own. */
class PlanCommandTest {

	private static final long GIB = 1L << 30;

	/** {@code img:N}: N images of 4 GiB each, split in runs as a diffusion batch is. */
	private static final WorkloadEstimator IMAGES = new WorkloadEstimator() {
		@Override
		public String kind() {
			return "img";
		}

		@Override
		public List<String> examples() {
			return List.of("img:2");
		}

		@Override
		public Optional<Workload> parse(String spec) {
			return spec.startsWith("img:") ? Optional.of(new BatchWorkload("img", Integer.parseInt(spec.substring(4)), 4 * GIB)) : Optional.empty();
		}
	};

	private record Run(int code, String out, String err) {
	}

	private static Run plan(String... args) {
		FakeDeviceService devices = FakeDeviceService.of(TestDevices.simulated("big", 24 * GIB), TestDevices.simulated("small", 8 * GIB));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(List.of(new PlanCommand(devices, List.of(IMAGES))), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), List.of(args));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void devicesSaysEachCardsShareAndWhetherItFits() {
		Run fits = plan("plan", "--devices", "sim:big,sim:small", "img:2");
		assertEquals(0, fits.code(), fits.err());
		List<String> lines = fits.out().lines().toList();
		assertEquals("sim:big: budget 24.00 GiB", lines.get(0));
		assertTrue(lines.get(1).strip().startsWith("img:1") && lines.get(1).contains("4.00 GiB"), lines.get(1));
		assertTrue(lines.stream().anyMatch(l -> l.equals("sim:small: budget 8.00 GiB")), fits.out());
		assertEquals("every device's part fits", lines.getLast());

		Run tight = plan("plan", "--devices", "sim:big,sim:small", "img:4");
		assertEquals(3, tight.code(), "2 × 4 GiB and the runtime do not fit the 8 GiB card: " + tight.out());
		assertTrue(tight.out().contains("does NOT fit"), tight.out());
		assertEquals("a device's part does NOT fit", tight.out().lines().toList().getLast());
	}

	@Test
	void devicesWithDeviceOrNeitherIsAUsageError() {
		Run both = plan("plan", "--device", "sim:big", "--devices", "sim:big,sim:small", "img:2");
		assertEquals(2, both.code());
		assertEquals("atelier plan: --device and --devices cannot be given together (see atelier plan --help)", both.err().strip());
		Run neither = plan("plan", "img:2");
		assertEquals(2, neither.code());
		assertTrue(neither.err().contains("give --device ID or --devices ID,ID…|all"), neither.err());
	}

	@Test
	void theJsonOfASplitHasAPlanPerDevice() {
		Run json = plan("plan", "--devices", "sim:big,sim:small", "--json", "img:3");
		assertEquals(0, json.code(), json.err());
		com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json.out()).getAsJsonObject();
		assertTrue(o.get("fits").getAsBoolean());
		assertEquals("sim:big", o.getAsJsonArray("devices").get(0).getAsJsonObject().get("device").getAsString());
		assertEquals("img:2", o.getAsJsonArray("devices").get(0).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject().get("spec").getAsString());
		assertEquals("img:1", o.getAsJsonArray("devices").get(1).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject().get("spec").getAsString());
	}
}
