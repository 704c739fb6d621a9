import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.atelier.device.Device;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.spi.PhysicalDevice;
import dev.atelier.power.Energy;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.Sampler;
import dev.atelier.power.internal.NvmlTelemetry;

/**
 * Verifies the NVML telemetry source on a GPU host (see verify.sh power): a snapshot against nvidia-smi in the
 * same second, and the energy of a 10 s load integrated from sampled power against NVML's energy counter.
 */
public final class PowerVerification {

	private static final List<String> failures = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		// NVML's GPUs are named after CUDA's devices on the same PCI bus
		List<Device> cuda = new CudaDevices().devices().stream().map(PhysicalDevice::device).toList();
		NvmlTelemetry nvml = new NvmlTelemetry(() -> cuda);
		check(nvml.deviceIds().contains("cuda:0"), "NVML lists cuda:0 " + nvml.deviceIds());
		Sample ours = nvml.sample("cuda:0");
		String[] smi = nvidiaSmi("power.draw,temperature.gpu,memory.used,clocks.sm,clocks.mem,temperature.memory");
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
		check(smi[5].contains("N/A") ? ours.get(Metric.TEMPERATURE_MEMORY).isEmpty()
				: Math.abs(ours.get(Metric.TEMPERATURE_MEMORY).orElse(-99) - d(smi[5])) <= 2, "memory temperature within 2 °C of " + smi[5]);
		check(ours.get(Metric.PCIE_TX_THROUGHPUT).isPresent() && ours.get(Metric.PCIE_RX_THROUGHPUT).isPresent(), String.format(Locale.ROOT,
				"PCIe throughput read: tx %.1f MB/s, rx %.1f MB/s", ours.get(Metric.PCIE_TX_THROUGHPUT).orElse(-1), ours.get(Metric.PCIE_RX_THROUGHPUT).orElse(-1)));

		Process load = new ProcessBuilder("python3", args.length > 0 ? args[0] : "load.py", "30").inheritIO().start();
		// Sample only the steady part: from two seconds after the GPU is fully busy (Python and PyTorch take a while to start).
		long waitUntil = System.currentTimeMillis() + 60_000;
		while (nvml.sample("cuda:0").get(Metric.UTILIZATION_GPU).orElse(0) < 90 && System.currentTimeMillis() < waitUntil) {
			Thread.sleep(100);
		}
		Thread.sleep(2000);
		List<Sample> samples = new ArrayList<>();
		long start = System.currentTimeMillis();
		while (System.currentTimeMillis() - start < 15_100) {
			samples.add(nvml.sample("cuda:0"));
			Thread.sleep(100);
		}
		processes(nvml);
		load.waitFor();
		// The counter is read every 2 s: compare over the span between its first and last reading in the window.
		List<Sample> withCounter = samples.stream().filter(s -> s.get(Metric.TOTAL_ENERGY).isPresent()).toList();
		Sample first = withCounter.get(0);
		Sample last = withCounter.get(withCounter.size() - 1);
		long from = first.epochMillis();
		long to = last.epochMillis();
		Energy counter = Energy.over(List.of(first, last), from, to);
		List<Sample> powerOnly = samples.stream().map(s -> {
			Map<Metric, Double> v = new EnumMap<>(Metric.class);
			v.put(Metric.POWER_DRAW, s.get(Metric.POWER_DRAW).getAsDouble());
			return new Sample(s.deviceId(), s.deviceName(), s.epochMillis(), v);
		}).toList();
		Energy integrated = Energy.over(powerOnly, from, to);
		System.out.printf(Locale.ROOT, "load: %d samples, counter over %.1f s %.1f J (%.1f W avg), integrated power %.1f J (%.1f W avg, peak %.1f W)%n",
				samples.size(), (to - from) / 1000.0, counter.joules(), counter.averageWatts(), integrated.joules(), integrated.averageWatts(),
				integrated.peakWatts());
		check(counter.fromCounter() && to - from >= 7_000, "the counter spans at least 7 s of the window");
		check(Math.abs(integrated.joules() - counter.joules()) <= 0.05 * counter.joules(), String.format(Locale.ROOT,
				"integrated power within 5 %% of the energy counter (%.2f %%)", 100 * Math.abs(integrated.joules() - counter.joules()) / counter.joules()));
		check(counter.averageWatts() > 200, "the load drew power: " + counter.averageWatts() + " W");
		pcie(nvml, args.length > 0 ? args[0] : "load.py");
		overhead(nvml);
		System.out.println(failures.isEmpty() ? "POWER VERIFICATION PASSED" : "POWER VERIFICATION FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	/** CPU time of the sampler's thread while it samples NVML at 10 Hz for 20 s, as a share of one core. */
	private static void overhead(NvmlTelemetry nvml) throws Exception {
		var threads = java.lang.management.ManagementFactory.getThreadMXBean();
		try (Sampler sampler = new Sampler(List.of(nvml), 100, 600_000).start()) {
			Thread.sleep(1000);
			Thread worker = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("atelier-power-sampler")).findFirst()
					.orElseThrow();
			long cpu0 = threads.getThreadCpuTime(worker.threadId());
			long wall0 = System.nanoTime();
			Thread.sleep(20_000);
			double share = (threads.getThreadCpuTime(worker.threadId()) - cpu0) / (double) (System.nanoTime() - wall0);
			int samples = sampler.history("cuda:0", 0, Long.MAX_VALUE).size();
			System.out.printf(Locale.ROOT, "sampler at 10 Hz on NVML: %.3f %% of one core (%d samples in 21 s, all %d metrics each)%n", share * 100,
					samples, nvml.sample("cuda:0").values().size());
			nvml.callCosts().forEach((f, us) -> System.out.printf(Locale.ROOT, "    %-45s %9.1f µs per call%n", f, us));
			check(share < 0.01, "sampling overhead under 1 % of one core at 10 Hz");
		}
	}

	/** PCIe receive throughput while Python copies pinned memory to the GPU, against the rate it reports. */
	private static void pcie(NvmlTelemetry nvml, String script) throws Exception {
		Process copy = new ProcessBuilder("python3", script, "10", "copy").redirectErrorStream(true).start();
		Thread.sleep(4000);
		List<Double> rx = new ArrayList<>();
		for (int i = 0; i < 4; i++) { // the value is read once a second
			nvml.sample("cuda:0").get(Metric.PCIE_RX_THROUGHPUT).ifPresent(rx::add);
			Thread.sleep(1100);
		}
		String out = new String(copy.getInputStream().readAllBytes()).strip();
		copy.waitFor();
		double theirs = Double.parseDouble(out.replaceAll("(?s).*copies: (\\d+) MB/s.*", "$1"));
		double ours = rx.stream().sorted().toList().get(rx.size() / 2);
		System.out.printf(Locale.ROOT, "pcie.throughput.rx during pinned copies: %s MB/s (median %.0f); PyTorch: %s%n", rx, ours, out);
		check(ours > 0.5 * theirs && ours < 1.5 * theirs, "PCIe receive throughput within 50 % of the copy rate PyTorch measured");
	}

	/** While the load runs: the processes NVML gives Atelier against nvidia-smi --query-compute-apps. */
	private static void processes(NvmlTelemetry nvml) throws Exception {
		var ours = nvml.processes("cuda:0");
		Process p = new ProcessBuilder("nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits", "-i", "0").start();
		List<String> theirs = new String(p.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank()).toList();
		p.waitFor();
		System.out.println("processes: atelier " + ours + "; nvidia-smi " + theirs);
		check(ours.size() == theirs.size(), "the same number of compute processes as nvidia-smi: " + ours.size());
		for (String line : theirs) {
			long pid = Long.parseLong(line.split(",\\s*")[0]);
			long mib = Long.parseLong(line.split(",\\s*")[1].trim());
			check(ours.stream().anyMatch(g -> g.pid() == pid && Math.abs(g.usedBytes() / 1048576 - mib) <= 1),
					"process " + pid + " with " + mib + " MiB is listed");
		}
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
