import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.atelier.power.Energy;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.internal.NvmlTelemetry;

/**
 * Verifies the NVML telemetry source on a GPU host (see verify.sh power): a snapshot against nvidia-smi in the
 * same second, and the energy of a 10 s load integrated from sampled power against NVML's energy counter.
 */
public final class PowerVerification {

	private static final List<String> failures = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		NvmlTelemetry nvml = new NvmlTelemetry();
		check(nvml.deviceIds().contains("cuda:0"), "NVML lists cuda:0 " + nvml.deviceIds());
		Sample ours = nvml.sample("cuda:0");
		String[] smi = nvidiaSmi("power.draw,temperature.gpu,memory.used,clocks.sm,clocks.mem");
		System.out.println("atelier:    " + ours.values());
		System.out.println("nvidia-smi: " + String.join(", ", smi));
		double power = ours.get(Metric.POWER_DRAW).orElse(Double.NaN);
		check(Math.abs(power - d(smi[0])) <= 0.10 * d(smi[0]), String.format(Locale.ROOT, "power %.2f W vs %s W within 10 %%", power, smi[0]));
		check(Math.abs(ours.get(Metric.TEMPERATURE_GPU).orElse(-99) - d(smi[1])) <= 2, "temperature within 2 °C of " + smi[1]);
		double used = ours.get(Metric.MEMORY_USED).orElse(-1);
		check(Math.abs(used - d(smi[2])) <= Math.max(1, 0.01 * d(smi[2])), String.format(Locale.ROOT, "memory used %.0f MiB vs %s MiB within 1 %%", used, smi[2]));
		check(ours.get(Metric.CLOCKS_SM).orElse(-1) == d(smi[3]), "SM clock equal to " + smi[3] + " MHz");
		check(ours.get(Metric.CLOCKS_MEM).orElse(-1) == d(smi[4]), "memory clock equal to " + smi[4] + " MHz");
		check(ours.get(Metric.TOTAL_ENERGY).isPresent(), "the H100 has the total energy counter");

		Process load = new ProcessBuilder("python3", args.length > 0 ? args[0] : "load.py", "30").inheritIO().start();
		// Sample only the steady part: from two seconds after the GPU is fully busy (Python and PyTorch take a while to start).
		long waitUntil = System.currentTimeMillis() + 60_000;
		while (nvml.sample("cuda:0").get(Metric.UTILIZATION_GPU).orElse(0) < 90 && System.currentTimeMillis() < waitUntil) {
			Thread.sleep(100);
		}
		Thread.sleep(2000);
		List<Sample> samples = new ArrayList<>();
		long start = System.currentTimeMillis();
		while (System.currentTimeMillis() - start < 10_100) {
			samples.add(nvml.sample("cuda:0"));
			Thread.sleep(100);
		}
		load.waitFor();
		long from = samples.get(0).epochMillis();
		long to = samples.get(samples.size() - 1).epochMillis();
		Energy counter = Energy.over(samples, from, to);
		List<Sample> powerOnly = samples.stream().map(s -> {
			Map<Metric, Double> v = new EnumMap<>(Metric.class);
			v.put(Metric.POWER_DRAW, s.get(Metric.POWER_DRAW).getAsDouble());
			return new Sample(s.deviceId(), s.deviceName(), s.epochMillis(), v);
		}).toList();
		Energy integrated = Energy.over(powerOnly, from, to);
		System.out.printf(Locale.ROOT, "10 s load: %d samples, counter %.1f J (%.1f W avg), integrated power %.1f J (%.1f W avg, peak %.1f W)%n",
				samples.size(), counter.joules(), counter.averageWatts(), integrated.joules(), integrated.averageWatts(), integrated.peakWatts());
		check(counter.fromCounter(), "the counter gave the first figure");
		check(Math.abs(integrated.joules() - counter.joules()) <= 0.05 * counter.joules(), String.format(Locale.ROOT,
				"integrated power within 5 %% of the energy counter (%.2f %%)", 100 * Math.abs(integrated.joules() - counter.joules()) / counter.joules()));
		check(counter.averageWatts() > 200, "the load drew power: " + counter.averageWatts() + " W");
		System.out.println(failures.isEmpty() ? "POWER VERIFICATION PASSED" : "POWER VERIFICATION FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	private static String[] nvidiaSmi(String fields) throws Exception {
		Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=" + fields, "--format=csv,noheader,nounits", "-i", "0").start();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
			String[] cells = r.readLine().split(",\\s*");
			p.waitFor();
			return cells;
		}
	}

	private static double d(String s) {
		return Double.parseDouble(s.trim());
	}

	private static void check(boolean ok, String what) {
		System.out.println((ok ? "  ok    " : "  FAIL  ") + what);
		if (!ok) {
			failures.add(what);
		}
	}
}
