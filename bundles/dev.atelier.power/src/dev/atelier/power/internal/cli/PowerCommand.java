package dev.atelier.power.internal.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.FileSystemException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Durations;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.power.GpuProcess;
import dev.atelier.power.Metric;
import dev.atelier.power.PowerTables;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;
import dev.atelier.power.ThrottleReason;
import dev.atelier.power.internal.SimulatedTelemetry;
import dev.atelier.power.internal.TraceReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code atelier power [--json] [--simulate PROFILE] [--watch [--interval 500ms] [--count N] [--csv FILE]]}. */
@Component(service = Subcommand.class)
public final class PowerCommand implements Subcommand {

	@Reference(policyOption = ReferencePolicyOption.GREEDY)
	private volatile List<TelemetrySource> sources = List.of();

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Power(ctx);
	}

	@Command(name = "power", header = "power, temperature, clocks and utilisation of each device, once or streamed as CSV", customSynopsis = {
			"atelier power [--json] [--simulate PROFILE]…",
			"       atelier power --watch [--interval 500ms] [--count N] [--csv FILE] [--simulate PROFILE]…" }, description = {
					"Without --watch: one snapshot per device (like nvidia-smi -q -d POWER,TEMPERATURE,CLOCK).",
					"With --watch: one CSV row per device every interval until Ctrl-C or N rows per device; columns are nvidia-smi's "
							+ "--query-gpu fields, [N/A] where a GPU lacks one; one header row." })
	private final class Power implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--json", description = "the snapshot as a JSON array, one object per device with nvidia-smi's field names")
		private boolean json;

		@Option(names = "--watch", description = "stream CSV rows")
		private boolean watch;

		@Option(names = "--interval", paramLabel = "DURATION", converter = Interval.class, description = {
				"time between rows: 500ms, 1s, 0.25s or plain milliseconds; 10ms at least (default 500ms)" })
		private Duration interval = Duration.ofMillis(500);

		@Option(names = "--count", paramLabel = "N", description = "rows per device, then stop (default: until Ctrl-C)")
		private long count = Long.MAX_VALUE;

		@Option(names = "--csv", paramLabel = "FILE", description = "write the rows to FILE instead of standard output")
		private Path csv;

		@Option(names = "--simulate", paramLabel = "PROFILE", description = {
				"add a simulated card (rtx4090, rtx3090, a6000, h100) with synthetic load, or trace:FILE to replay a CSV that --watch --csv "
						+ "recorded, in a loop; PROFILE:lost-after=N answers N samples, then acts as a GPU that fell off the bus; repeatable" })
		private List<String> simulate = new ArrayList<>();

		Power(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			UsageException.atLeast(1, count, "--count");
			List<TelemetrySource> all = new ArrayList<>(sources);
			try {
				simulate.forEach(profile -> all.add(simulated(profile)));
			} catch (IllegalArgumentException e) {
				throw new UsageException("--simulate: " + e.getMessage());
			}
			return run(ctx, all, json, watch, interval.toMillis(), count, csv);
		}
	}

	/** {@code --interval}: a duration, bare numbers in milliseconds (as before the shared converters), at least 10 ms. */
	static final class Interval implements ITypeConverter<Duration> {
		@Override
		public Duration convert(String text) {
			Duration d = Durations.parse(text, ChronoUnit.MILLIS);
			if (d.toMillis() < 10) {
				throw new TypeConversionException("'" + text + "' is shorter than 10ms");
			}
			return d;
		}
	}

	private static int run(CommandContext ctx, List<TelemetrySource> all, boolean json, boolean watch, long intervalMs, long count, Path csv) {
		if (all.stream().allMatch(s -> s.deviceIds().isEmpty())) {
			ctx.err().println("atelier power: no device to read: NVML (libnvidia-ml.so.1) is not available; try --simulate rtx4090");
			return 1;
		}
		if (!watch) {
			return snapshot(ctx, all, json);
		}
		if (csv == null) {
			try {
				return watch(ctx, all, intervalMs, count, new OutputStreamWriter(ctx.out(), StandardCharsets.UTF_8));
			} catch (IOException e) { // a PrintStream does not throw
				throw new UncheckedIOException(e);
			}
		}
		// a log that grows as it is sampled cannot be written atomically: every row is written through, and a failed
		// write (a full disk) ends the command naming the file
		try (Writer file = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
			return watch(ctx, all, intervalMs, count, file);
		} catch (IOException e) {
			ctx.err().println("atelier power: cannot write " + csv + ": " + reason(e));
			return 1;
		}
	}

	private static String reason(IOException e) {
		return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
	}

	private static int snapshot(CommandContext ctx, List<TelemetrySource> sources, boolean json) {
		List<Map<String, Object>> rows = new ArrayList<>();
		int failed = 0;
		for (TelemetrySource source : sources) {
			for (String id : source.deviceIds()) {
				try {
					Sample s = source.sample(id);
					List<GpuProcess> processes = source.processes(id);
					if (json) {
						Map<String, Object> row = PowerTables.json(s);
						row.put("processes", processes);
						rows.add(row);
					} else {
						print(ctx.out(), s);
						for (GpuProcess p : processes) {
							ctx.out().printf(Locale.ROOT, "    process %-20s : pid %d, %s%n", p.name(), p.pid(),
									p.usedBytes() < 0 ? "memory N/A" : String.format(Locale.ROOT, "%.0f MiB", p.usedBytes() / 1048576.0));
						}
					}
				} catch (TelemetryException e) {
					ctx.err().println("atelier power: " + e.getMessage());
					failed++;
				}
			}
		}
		if (json) {
			ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(rows));
		}
		return failed == 0 ? 0 : 1;
	}

	private static void print(PrintStream out, Sample s) {
		out.println(s.deviceId() + "  " + s.deviceName());
		for (Metric m : Metric.values()) {
			String value = s.get(m).isEmpty() ? "N/A" : m == Metric.CLOCKS_EVENT_REASONS
					? ThrottleReason.decode((long) s.get(m).getAsDouble()).toString()
					: String.format(Locale.ROOT, "%.2f %s", s.get(m).getAsDouble(), m.unit()).strip();
			out.printf(Locale.ROOT, "    %-28s : %s%n", m.field(), value);
		}
	}

	/** Streams rows; a device that fails is reported once and skipped while the others go on. */
	private static int watch(CommandContext ctx, List<TelemetrySource> sources, long intervalMs, long count, Writer out) throws IOException {
		out.write(PowerTables.csvHeader() + "\n");
		Set<String> lost = new LinkedHashSet<>();
		long next = System.currentTimeMillis();
		for (long row = 0; row < count; row++) {
			for (TelemetrySource source : sources) {
				for (String id : source.deviceIds()) {
					if (lost.contains(id)) {
						continue;
					}
					try {
						out.write(PowerTables.csvRow(source.sample(id)) + "\n");
					} catch (TelemetryException e) {
						lost.add(id);
						ctx.err().println("atelier power: " + e.getMessage() + "; sampling goes on for the other devices");
					}
				}
			}
			out.flush();
			next += intervalMs;
			long sleep = next - System.currentTimeMillis();
			if (row + 1 < count && sleep > 0) {
				try {
					Thread.sleep(sleep);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		return lost.isEmpty() ? 0 : 1;
	}

	/** A profile name, or {@code trace:FILE} for a CSV that --watch --csv recorded. */
	static TelemetrySource simulated(String profile) {
		return profile.startsWith("trace:") ? new TraceReplay(Path.of(profile.substring(6)), System::currentTimeMillis)
				: SimulatedTelemetry.of(profile, System::currentTimeMillis);
	}
}
