package dev.atelier.power.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.power.GpuProcess;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;

/**
 * NVIDIA GPUs through NVML, each named by the id of the device service's CUDA device on the same PCI bus (NVML's
 * order need not be CUDA's; a GPU that CUDA does not see, e.g. hidden by CUDA_VISIBLE_DEVICES, is left out).
 * Unsupported fields are left out of the sample.
 */
@Component(service = { TelemetrySource.class, DoctorCheck.class })
public final class NvmlTelemetry implements TelemetrySource, DoctorCheck {

	private Optional<Nvml> nvml;
	private final List<MemorySegment> devices = new ArrayList<>();
	private final List<String> names = new ArrayList<>();
	/** Each NVML device's PCI bus id, {@code 0000:01:00.0}. */
	private final List<String> busIds = new ArrayList<>();
	/** The device service's devices, to name NVML's by; looked up only when asked, so that binding starts no discovery. */
	private final Supplier<List<Device>> cudaDevices;
	@Reference(name = "devices", service = DeviceService.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	private volatile ServiceReference<DeviceService> devicesRef;
	private volatile ComponentContext context;

	/** For DS: NVML's devices are named after the bound device service's. */
	public NvmlTelemetry() {
		this.cudaDevices = this::boundDevices;
	}

	/** Plain-Java construction: NVML's devices are named after these. */
	public NvmlTelemetry(Supplier<List<Device>> devices) {
		this.cudaDevices = devices;
	}

	@Activate
	void activate(ComponentContext componentContext) {
		context = componentContext;
	}

	private List<Device> boundDevices() {
		ServiceReference<DeviceService> ref = devicesRef;
		ComponentContext ctx = context;
		DeviceService service = ref == null || ctx == null ? null : ctx.locateService("devices", ref);
		return service == null ? List.of() : service.devices();
	}
	/** Limits, maximum clocks, memory size and PCIe link change rarely: read them at most every few seconds. */
	private static final long SLOW_FIELDS_MILLIS = 5_000;
	/** sizeof(nvmlPciInfo_t): busIdLegacy[16], four unsigned ints, busId[32]. */
	private static final long PCI_INFO_BYTES = 16 + 4 * 4 + 32 + 16;
	private final Map<Integer, Map<Metric, Double>> slowFields = new ConcurrentHashMap<>();
	private final Map<Integer, Long> slowReadAt = new ConcurrentHashMap<>();
	/** The energy counter costs 4–7 ms a read on an H100: read every 5 s; Energy integrates power in between. */
	private static final long COUNTER_MILLIS = 5_000;
	/** A PCIe throughput read blocks for the driver's 20 ms window: once a second is enough for a chart. */
	private static final long PCIE_MILLIS = 1_000;
	private final Map<Integer, Map<Metric, Double>> pcieFields = new ConcurrentHashMap<>();
	private final Map<Integer, Long> pcieReadAt = new ConcurrentHashMap<>();
	/** Maximum clocks (~2 ms a read) do not change while the driver runs: read once. */
	private final Map<Integer, Map<Metric, Double>> staticFields = new ConcurrentHashMap<>();
	private final Map<Integer, Long> counterReadAt = new ConcurrentHashMap<>();
	/** Functions a device answered NOT_SUPPORTED: not asked again (a refusal can cost half a millisecond). */
	private final Map<Integer, Set<String>> unsupported = new ConcurrentHashMap<>();

	@Override
	public int order() {
		return 200;
	}

	@Override
	public String name() {
		return "NVML";
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		Optional<List<String>> gpus;
		synchronized (this) {
			gpus = nvml().map(n -> List.copyOf(names));
		}
		return List.of(NvmlCheck.finding(gpus, Nvml.unavailable()));
	}

	/** Loads NVML on first use: a CLI call that reads no telemetry pays nothing for it. */
	private synchronized Optional<Nvml> nvml() {
		if (nvml == null) {
			nvml = open();
		}
		return nvml;
	}

	private Optional<Nvml> open() {
		Optional<Nvml> nvml = Nvml.load();
		nvml.ifPresent(n -> {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment count = arena.allocate(JAVA_INT);
				if (n.call("nvmlDeviceGetCount_v2", Nvml.PTR, count) != Nvml.SUCCESS) {
					return;
				}
				for (int i = 0; i < count.get(JAVA_INT, 0); i++) {
					MemorySegment cell = arena.allocate(ADDRESS);
					if (n.call("nvmlDeviceGetHandleByIndex_v2", Nvml.INT_PTR, i, cell) == Nvml.SUCCESS) {
						devices.add(Nvml.deviceHandle(cell));
						MemorySegment name = arena.allocate(96);
						n.call("nvmlDeviceGetName", Nvml.DEV_PTR_INT, Nvml.deviceHandle(cell), name, 96);
						names.add(name.getString(0, StandardCharsets.UTF_8));
						// nvmlPciInfo_t begins with busIdLegacy, char[16]: "%04X:%02X:%02X.0", as CUDA writes it
						MemorySegment pci = arena.allocate(PCI_INFO_BYTES);
						n.call("nvmlDeviceGetPciInfo_v3", Nvml.DEV_PTR, Nvml.deviceHandle(cell), pci);
						busIds.add(pci.getString(0, StandardCharsets.US_ASCII));
					}
				}
			}
		});
		return nvml;
	}

	@Override
	public List<GpuProcess> processes(String deviceId) {
		int index = indexes().getOrDefault(deviceId, -1);
		if (index < 0) {
			throw new TelemetryException("no NVML device " + deviceId);
		}
		Map<Long, GpuProcess> found = new LinkedHashMap<>();
		for (String function : List.of("nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v3")) {
			running(devices.get(index), deviceId, function).forEach(p -> found.putIfAbsent(p.pid(), p));
		}
		return List.copyOf(found.values());
	}

	/** Asks for the count first (NVML answers INSUFFICIENT_SIZE with it), then for that many entries and a few more. */
	private List<GpuProcess> running(MemorySegment dev, String deviceId, String function) {
		Nvml n = nvml().orElseThrow();
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment count = arena.allocate(JAVA_INT);
			int probe = n.call(function, Nvml.DEV_PTR_PTR, dev, count, MemorySegment.NULL);
			if (probe == Nvml.SUCCESS && count.get(JAVA_INT, 0) == 0) {
				return List.of();
			}
			if (probe != Nvml.ERROR_INSUFFICIENT_SIZE && !ok(deviceId, probe)) {
				return List.of();
			}
			int room = count.get(JAVA_INT, 0) + 8;
			count.set(JAVA_INT, 0, room);
			MemorySegment infos = arena.allocate(Nvml.PROCESS_INFO, room);
			if (!ok(deviceId, n.call(function, Nvml.DEV_PTR_PTR, dev, count, infos))) {
				return List.of();
			}
			List<GpuProcess> out = new ArrayList<>();
			for (int i = 0; i < count.get(JAVA_INT, 0); i++) {
				MemorySegment info = infos.asSlice(i * Nvml.PROCESS_INFO.byteSize(), Nvml.PROCESS_INFO.byteSize());
				long pid = Integer.toUnsignedLong(info.get(JAVA_INT, 0));
				long used = info.get(JAVA_LONG, 8);
				out.add(new GpuProcess(pid, processName(pid), used == -1L ? -1 : used));
			}
			return out;
		}
	}

	private static String processName(long pid) {
		try {
			return java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "comm")).strip();
		} catch (java.io.IOException e) {
			return "pid " + pid;
		}
	}

	/** Mean microseconds per NVML call so far, by function: where sampling time goes. */
	public Map<String, Double> callCosts() {
		return nvml().map(Nvml::meanMicros).orElse(Map.of());
	}

	/** Why there is no NVIDIA telemetry, or empty when NVML is there. */
	@Override
	public Optional<String> absence() {
		return nvml().isPresent() ? Optional.empty() : Optional.of("NVML (libnvidia-ml.so.1) is not available: no NVIDIA driver");
	}

	@Override
	public List<String> deviceIds() {
		return List.copyOf(indexes().keySet());
	}

	/** NVML's index of each device, by the id of the CUDA device on its PCI bus. */
	private Map<String, Integer> indexes() {
		nvml();
		List<Device> cuda = cudaDevices.get().stream().filter(Device::runsCudaModules).toList();
		Map<String, Integer> ids = new LinkedHashMap<>();
		for (int i = 0; i < busIds.size(); i++) {
			int index = i;
			cuda.stream().filter(d -> d.onPciBus(busIds.get(index))).findFirst().ifPresent(d -> ids.put(d.id(), index));
		}
		return ids;
	}

	@Override
	public Sample sample(String deviceId) {
		int index = indexes().getOrDefault(deviceId, -1);
		if (index < 0 || nvml().isEmpty()) {
			throw new TelemetryException("no NVML device " + deviceId);
		}
		Nvml n = nvml().get();
		MemorySegment dev = devices.get(index);
		Map<Metric, Double> v = new EnumMap<>(Metric.class);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment u = arena.allocate(JAVA_INT);
			MemorySegment ull = arena.allocate(JAVA_LONG);
			uint(deviceId, v, Metric.POWER_DRAW, 1e-3, n.call("nvmlDeviceGetPowerUsage", Nvml.DEV_PTR, dev, u), u);

			long now = System.currentTimeMillis();
			if (now - counterReadAt.getOrDefault(index, 0L) >= COUNTER_MILLIS
					&& ok(deviceId, ask(index, "nvmlDeviceGetTotalEnergyConsumption", Nvml.DEV_PTR, dev, ull))) {
				v.put(Metric.TOTAL_ENERGY, ull.get(JAVA_LONG, 0) / 1000.0);
				counterReadAt.put(index, now);
			}
			uint(deviceId, v, Metric.TEMPERATURE_GPU, 1, n.call("nvmlDeviceGetTemperature", Nvml.DEV_INT_PTR, dev, Nvml.TEMPERATURE_GPU, u), u);
			field(index, deviceId, dev, Nvml.FI_DEV_MEMORY_TEMP, arena).ifPresent(t -> v.put(Metric.TEMPERATURE_MEMORY, t));
			uint(deviceId, v, Metric.FAN_SPEED, 1, ask(index, "nvmlDeviceGetFanSpeed", Nvml.DEV_PTR, dev, u), u);
			uint(deviceId, v, Metric.CLOCKS_GR, 1, n.call("nvmlDeviceGetClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_GRAPHICS, u), u);
			uint(deviceId, v, Metric.CLOCKS_SM, 1, n.call("nvmlDeviceGetClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_SM, u), u);
			uint(deviceId, v, Metric.CLOCKS_MEM, 1, n.call("nvmlDeviceGetClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_MEM, u), u);

			MemorySegment util = arena.allocate(Nvml.UTILIZATION);
			if (ok(deviceId, n.call("nvmlDeviceGetUtilizationRates", Nvml.DEV_PTR, dev, util))) {
				v.put(Metric.UTILIZATION_GPU, (double) Integer.toUnsignedLong(util.get(JAVA_INT, 0)));
				v.put(Metric.UTILIZATION_MEMORY, (double) Integer.toUnsignedLong(util.get(JAVA_INT, 4)));
			}
			MemorySegment mem2 = arena.allocate(Nvml.MEMORY_V2);
			mem2.set(JAVA_INT, 0, Nvml.MEMORY_V2_VERSION);
			MemorySegment mem = arena.allocate(Nvml.MEMORY);
			if (ok(deviceId, n.call("nvmlDeviceGetMemoryInfo_v2", Nvml.DEV_PTR, dev, mem2))) {
				v.put(Metric.MEMORY_TOTAL, mem2.get(JAVA_LONG, 8) / (double) (1 << 20));
				v.put(Metric.MEMORY_USED, mem2.get(JAVA_LONG, 32) / (double) (1 << 20));
			} else if (ok(deviceId, n.call("nvmlDeviceGetMemoryInfo", Nvml.DEV_PTR, dev, mem))) {
				v.put(Metric.MEMORY_TOTAL, mem.get(JAVA_LONG, 0) / (double) (1 << 20));
				v.put(Metric.MEMORY_USED, mem.get(JAVA_LONG, 16) / (double) (1 << 20));
			}
			uint(deviceId, v, Metric.PSTATE, 1, n.call("nvmlDeviceGetPerformanceState", Nvml.DEV_PTR, dev, u), u);
			if (ok(deviceId, n.call("nvmlDeviceGetCurrentClocksEventReasons", Nvml.DEV_PTR, dev, ull))) {
				v.put(Metric.CLOCKS_EVENT_REASONS, (double) ull.get(JAVA_LONG, 0));
			}
			if (now - slowReadAt.getOrDefault(index, 0L) > SLOW_FIELDS_MILLIS) {
				Map<Metric, Double> slow = new EnumMap<>(Metric.class);
				uint(deviceId, slow, Metric.POWER_LIMIT, 1e-3, n.call("nvmlDeviceGetPowerManagementLimit", Nvml.DEV_PTR, dev, u), u);
				uint(deviceId, slow, Metric.ENFORCED_POWER_LIMIT, 1e-3, n.call("nvmlDeviceGetEnforcedPowerLimit", Nvml.DEV_PTR, dev, u), u);
				uint(deviceId, slow, Metric.PCIE_LINK_GEN, 1, n.call("nvmlDeviceGetCurrPcieLinkGeneration", Nvml.DEV_PTR, dev, u), u);
				uint(deviceId, slow, Metric.PCIE_LINK_WIDTH, 1, n.call("nvmlDeviceGetCurrPcieLinkWidth", Nvml.DEV_PTR, dev, u), u);
				slowFields.put(index, slow);
				slowReadAt.put(index, now);
			}
			v.putAll(slowFields.get(index));
			if (now - pcieReadAt.getOrDefault(index, 0L) >= PCIE_MILLIS) {
				Map<Metric, Double> pcie = new EnumMap<>(Metric.class);
				uint(deviceId, pcie, Metric.PCIE_TX_THROUGHPUT, 1e-3, ask(index, "nvmlDeviceGetPcieThroughput", Nvml.DEV_INT_PTR, dev, Nvml.PCIE_UTIL_TX_BYTES, u), u);
				uint(deviceId, pcie, Metric.PCIE_RX_THROUGHPUT, 1e-3, ask(index, "nvmlDeviceGetPcieThroughput", Nvml.DEV_INT_PTR, dev, Nvml.PCIE_UTIL_RX_BYTES, u), u);
				pcieFields.put(index, pcie);
				pcieReadAt.put(index, now);
			}
			v.putAll(pcieFields.get(index));
			v.putAll(staticFields.computeIfAbsent(index, i -> {
				Map<Metric, Double> fixed = new EnumMap<>(Metric.class);
				uint(deviceId, fixed, Metric.CLOCKS_MAX_GR, 1, n.call("nvmlDeviceGetMaxClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_GRAPHICS, u), u);
				uint(deviceId, fixed, Metric.CLOCKS_MAX_SM, 1, n.call("nvmlDeviceGetMaxClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_SM, u), u);
				uint(deviceId, fixed, Metric.CLOCKS_MAX_MEM, 1, n.call("nvmlDeviceGetMaxClockInfo", Nvml.DEV_INT_PTR, dev, Nvml.CLOCK_MEM, u), u);
				return fixed;
			}));
		}
		return new Sample(deviceId, names.get(index), System.currentTimeMillis(), v);
	}

	/** One NVML field value (nvmlDeviceGetFieldValues), empty where this GPU lacks it; a refused field is not asked again. */
	private OptionalDouble field(int index, String deviceId, MemorySegment dev, int fieldId, Arena arena) {
		Set<String> no = unsupported.computeIfAbsent(index, i -> ConcurrentHashMap.newKeySet());
		String key = "field " + fieldId;
		if (no.contains(key)) {
			return OptionalDouble.empty();
		}
		MemorySegment value = arena.allocate(Nvml.FIELD_VALUE);
		value.set(JAVA_INT, 0, fieldId);
		int result = ask(index, "nvmlDeviceGetFieldValues", Nvml.DEV_INT_PTR, dev, 1, value);
		if (!ok(deviceId, result)) {
			return OptionalDouble.empty();
		}
		int fieldResult = value.get(JAVA_INT, 28);
		if (fieldResult == Nvml.ERROR_NOT_SUPPORTED) {
			no.add(key);
		}
		ok(deviceId, fieldResult);
		return Nvml.fieldValue(value);
	}

	/** Calls NVML unless the device already said it does not support the function. */
	private int ask(int index, String function, java.lang.foreign.FunctionDescriptor descriptor, Object... args) {
		Set<String> no = unsupported.computeIfAbsent(index, i -> ConcurrentHashMap.newKeySet());
		if (no.contains(function)) {
			return Nvml.ERROR_NOT_SUPPORTED;
		}
		int result = nvml().orElseThrow().call(function, descriptor, args);
		if (result == Nvml.ERROR_NOT_SUPPORTED || result == Nvml.ERROR_FUNCTION_NOT_FOUND) {
			no.add(function);
		}
		return result;
	}

	private static void uint(String deviceId, Map<Metric, Double> v, Metric metric, double scale, int result, MemorySegment cell) {
		if (ok(deviceId, result)) {
			v.put(metric, Integer.toUnsignedLong(cell.get(JAVA_INT, 0)) * scale);
		}
	}

	/**
	 * True on success; false for a field this GPU or user cannot read (unavailable, not an error); throws for a
	 * lost GPU, which the caller reports while other devices go on.
	 */
	static boolean ok(String deviceId, int result) {
		return switch (result) {
		case Nvml.SUCCESS -> true;
		case Nvml.ERROR_GPU_IS_LOST -> throw new TelemetryException(deviceId + " is lost (" + Nvml.name(result) + "): it fell off the bus or was reset");
		default -> false;
		};
	}
}
