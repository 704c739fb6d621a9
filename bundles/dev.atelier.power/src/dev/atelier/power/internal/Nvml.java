package dev.atelier.power.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The few NVML calls Atelier needs, bound with the FFM API to {@code libnvidia-ml.so.1} (JCuda has no NVML).
 * Every call returns an nvmlReturn_t; {@link #check} turns the ones that matter into exceptions.
 */
final class Nvml {

	static final int SUCCESS = 0;
	static final int ERROR_NOT_SUPPORTED = 3;
	static final int ERROR_NO_PERMISSION = 4;
	static final int ERROR_FUNCTION_NOT_FOUND = 13;
	static final int ERROR_GPU_IS_LOST = 15;
	private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(0, "NVML_SUCCESS"), Map.entry(1, "NVML_ERROR_UNINITIALIZED"),
			Map.entry(2, "NVML_ERROR_INVALID_ARGUMENT"), Map.entry(3, "NVML_ERROR_NOT_SUPPORTED"), Map.entry(4, "NVML_ERROR_NO_PERMISSION"),
			Map.entry(5, "NVML_ERROR_ALREADY_INITIALIZED"), Map.entry(6, "NVML_ERROR_NOT_FOUND"), Map.entry(7, "NVML_ERROR_INSUFFICIENT_SIZE"),
			Map.entry(8, "NVML_ERROR_INSUFFICIENT_POWER"), Map.entry(9, "NVML_ERROR_DRIVER_NOT_LOADED"), Map.entry(10, "NVML_ERROR_TIMEOUT"),
			Map.entry(11, "NVML_ERROR_IRQ_ISSUE"), Map.entry(12, "NVML_ERROR_LIBRARY_NOT_FOUND"), Map.entry(13, "NVML_ERROR_FUNCTION_NOT_FOUND"),
			Map.entry(14, "NVML_ERROR_CORRUPTED_INFOROM"), Map.entry(15, "NVML_ERROR_GPU_IS_LOST"), Map.entry(16, "NVML_ERROR_RESET_REQUIRED"),
			Map.entry(17, "NVML_ERROR_OPERATING_SYSTEM"), Map.entry(18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH"), Map.entry(999, "NVML_ERROR_UNKNOWN"));

	/** nvmlUtilization_t: unsigned int gpu, memory. */
	static final StructLayout UTILIZATION = MemoryLayout.structLayout(JAVA_INT.withName("gpu"), JAVA_INT.withName("memory"));
	/** nvmlMemory_t: unsigned long long total, free, used (bytes); its "used" counts the driver's reserved memory. */
	static final StructLayout MEMORY = MemoryLayout.structLayout(JAVA_LONG.withName("total"), JAVA_LONG.withName("free"), JAVA_LONG.withName("used"));
	/** nvmlMemory_v2_t: unsigned int version, then total, reserved, free, used; nvidia-smi's memory.used is this "used". */
	static final StructLayout MEMORY_V2 = MemoryLayout.structLayout(JAVA_INT.withName("version"), MemoryLayout.paddingLayout(4),
			JAVA_LONG.withName("total"), JAVA_LONG.withName("reserved"), JAVA_LONG.withName("free"), JAVA_LONG.withName("used"));
	/** nvmlMemory_v2: the struct's size with the version in the top byte, as NVML's NVML_STRUCT_VERSION macro makes it. */
	static final int MEMORY_V2_VERSION = (int) MEMORY_V2.byteSize() | 2 << 24;

	/** nvmlProcessInfo_t (v2/v3): pid, usedGpuMemory (bytes or NVML_VALUE_NOT_AVAILABLE), GPU and compute instance. */
	static final StructLayout PROCESS_INFO = MemoryLayout.structLayout(JAVA_INT.withName("pid"), MemoryLayout.paddingLayout(4),
			JAVA_LONG.withName("usedGpuMemory"), JAVA_INT.withName("gpuInstanceId"), JAVA_INT.withName("computeInstanceId"));
	static final int ERROR_INSUFFICIENT_SIZE = 7;

	/**
	 * nvmlFieldValue_t: fieldId, scopeId, timestamp and latency (µs), valueType, nvmlReturn, then the value, an
	 * 8-byte union read as {@link #fieldValue} says.
	 */
	static final StructLayout FIELD_VALUE = MemoryLayout.structLayout(JAVA_INT.withName("fieldId"), JAVA_INT.withName("scopeId"),
			JAVA_LONG.withName("timestamp"), JAVA_LONG.withName("latencyUsec"), JAVA_INT.withName("valueType"), JAVA_INT.withName("nvmlReturn"),
			JAVA_LONG.withName("value"));
	/** NVML_FI_DEV_MEMORY_TEMP: HBM temperature; GDDR cards answer NOT_SUPPORTED. */
	static final int FI_DEV_MEMORY_TEMP = 82;
	/** nvmlPcieUtilCounter_t: bytes sent and received over PCIe, as KB/s over a 20 ms window. */
	static final int PCIE_UTIL_TX_BYTES = 0;
	static final int PCIE_UTIL_RX_BYTES = 1;

	static final int TEMPERATURE_GPU = 0;
	static final int CLOCK_GRAPHICS = 0;
	static final int CLOCK_SM = 1;
	static final int CLOCK_MEM = 2;

	private final Map<String, MethodHandle> handles = new HashMap<>();
	/** Nanoseconds spent in each NVML function and how many calls, to find the slow ones. */
	private final Map<String, LongAdder[]> costs = new ConcurrentHashMap<>();
	private final SymbolLookup library;

	private Nvml(SymbolLookup library) {
		this.library = library;
	}

	/** Why the last {@link #load} found no NVML, for {@code atelier doctor}; empty after a load that succeeded. */
	private static volatile String unavailable = "";

	/** NVML if its library loads and initialises; empty with the reason logged (and kept for {@link #unavailable}) otherwise. */
	static Optional<Nvml> load() {
		try {
			Nvml nvml = new Nvml(SymbolLookup.libraryLookup("libnvidia-ml.so.1", Arena.global()));
			int init = (int) nvml.handle("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT)).invokeExact();
			if (init != SUCCESS) {
				return none(System.Logger.Level.INFO, "NVML is present but did not start: " + name(init));
			}
			unavailable = "";
			return Optional.of(nvml);
		} catch (IllegalArgumentException e) {
			return none(System.Logger.Level.INFO, NOT_FOUND);
		} catch (Throwable e) {
			return none(System.Logger.Level.WARNING, "NVML could not be bound: " + e);
		}
	}

	/** {@link #unavailable}'s text when the library is not on this machine. */
	static final String NOT_FOUND = "no NVML (libnvidia-ml.so.1 not found): no NVIDIA telemetry";

	private static Optional<Nvml> none(System.Logger.Level level, String why) {
		unavailable = why;
		System.getLogger(Nvml.class.getName()).log(level, why);
		return Optional.empty();
	}

	static String unavailable() {
		return unavailable;
	}

	/**
	 * The value of a field that NVML answered, by its nvmlValueType_t (double, unsigned int, unsigned long,
	 * unsigned long long, signed long long, signed int, unsigned short); empty when the field failed.
	 */
	static OptionalDouble fieldValue(MemorySegment field) {
		if (field.get(JAVA_INT, 28) != SUCCESS) {
			return OptionalDouble.empty();
		}
		return switch (field.get(JAVA_INT, 24)) {
		case 0 -> OptionalDouble.of(field.get(JAVA_DOUBLE, 32));
		case 1 -> OptionalDouble.of(Integer.toUnsignedLong(field.get(JAVA_INT, 32)));
		case 2, 3 -> OptionalDouble.of(unsigned(field.get(JAVA_LONG, 32)));
		case 4 -> OptionalDouble.of(field.get(JAVA_LONG, 32));
		case 5 -> OptionalDouble.of(field.get(JAVA_INT, 32));
		case 6 -> OptionalDouble.of(Short.toUnsignedInt(field.get(JAVA_SHORT, 32)));
		default -> OptionalDouble.empty();
		};
	}

	private static double unsigned(long raw) {
		return raw >= 0 ? raw : raw + 0x1p64;
	}

	static String name(int code) {
		return NAMES.getOrDefault(code, "NVML error " + code);
	}

	/**
	 * Calls NVML's {@code function} with {@code args} matching {@code descriptor}; a function this driver's NVML
	 * lacks answers {@link #ERROR_FUNCTION_NOT_FOUND}, so that its field is simply unavailable.
	 */
	int call(String function, FunctionDescriptor descriptor, Object... args) {
		MethodHandle handle;
		try {
			handle = handle(function, descriptor);
		} catch (IllegalArgumentException missing) {
			return ERROR_FUNCTION_NOT_FOUND;
		}
		long t0 = System.nanoTime();
		try {
			return (int) handle.invokeWithArguments(args);
		} catch (RuntimeException | Error e) {
			throw e;
		} catch (Throwable e) {
			throw new IllegalStateException(function + " failed: " + e, e);
		} finally {
			LongAdder[] cost = costs.computeIfAbsent(function, f -> new LongAdder[] { new LongAdder(), new LongAdder() });
			cost[0].add(System.nanoTime() - t0);
			cost[1].increment();
		}
	}

	/** Mean microseconds per call of each NVML function used so far. */
	Map<String, Double> meanMicros() {
		Map<String, Double> out = new java.util.TreeMap<>();
		costs.forEach((f, c) -> out.put(f, c[0].sum() / 1e3 / Math.max(1, c[1].sum())));
		return out;
	}

	private synchronized MethodHandle handle(String function, FunctionDescriptor descriptor) {
		return handles.computeIfAbsent(function, f -> Linker.nativeLinker().downcallHandle(library.find(f)
				.orElseThrow(() -> new IllegalArgumentException("NVML has no " + f)), descriptor));
	}

	// Descriptors of the calls used, by argument shape.
	static final FunctionDescriptor DEV_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
	static final FunctionDescriptor DEV_INT_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
	static final FunctionDescriptor DEV_PTR_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
	static final FunctionDescriptor DEV_PTR_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
	static final FunctionDescriptor INT_PTR = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
	static final FunctionDescriptor PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);

	/** NVML's device handles are opaque pointers. */
	static MemorySegment deviceHandle(MemorySegment cell) {
		return cell.get(ADDRESS, 0);
	}
}
