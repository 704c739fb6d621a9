package dev.atelier.device.cpu.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import dev.atelier.device.Backend;
import dev.atelier.device.Device;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.device.spi.PhysicalDevice;

/**
 * The CPU as a device, so that every pipeline has one: cores, RAM and SIMD width from Linux's /proc and /sys.
 * Its leases are of host memory; allocations are real off-heap memory.
 */
@Component(service = DeviceProvider.class)
public final class CpuDevice implements DeviceProvider, PhysicalDevice {

	private static final Path CPUINFO = Path.of("/proc/cpuinfo");
	private static final Path MEMINFO = Path.of("/proc/meminfo");
	private static final Path MAX_FREQ = Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");

	private final Device device;

	public CpuDevice() {
		String cpuinfo = read(CPUINFO);
		String maxFreq = read(MAX_FREQ).strip();
		this.device = describe(cpuinfo, read(MEMINFO), maxFreq.isEmpty() ? 0 : Long.parseLong(maxFreq),
				Runtime.getRuntime().availableProcessors());
	}

	/** The device from the texts of /proc/cpuinfo, /proc/meminfo and cpuinfo_max_freq (kHz; 0 if unknown). */
	public static Device describe(String cpuinfo, String meminfo, long maxFreqKHz, int cores) {
		Map<String, String> first = firstBlock(cpuinfo);
		String name = first.getOrDefault("model name", first.getOrDefault("Model", System.getProperty("os.arch") + " CPU"));
		long clock = maxFreqKHz;
		if (clock == 0) {
			clock = cpuinfo.lines().filter(l -> l.startsWith("cpu MHz")).mapToLong(l -> Math.round(Double.parseDouble(value(l)) * 1000)).max()
					.orElse(0);
		}
		String flags = " " + first.getOrDefault("flags", first.getOrDefault("Features", "")) + " ";
		int simd = flags.contains(" avx512f ") ? 512 : flags.contains(" avx2 ") ? 256 : flags.contains(" sse2 ") || flags.contains(" asimd ") ? 128 : 0;
		return new Device("cpu", name, Backend.CPU, 0, null, cores, clock, 0, 0, kib(meminfo, "MemTotal"), simd, "", "", "");
	}

	static long kib(String meminfo, String field) {
		return meminfo.lines().filter(l -> l.startsWith(field + ":")).findFirst()
				.map(l -> Long.parseLong(value(l).replace("kB", "").strip()) * 1024).orElse(0L);
	}

	private static Map<String, String> firstBlock(String cpuinfo) {
		Map<String, String> block = new java.util.HashMap<>();
		for (String line : cpuinfo.lines().toList()) {
			if (line.isBlank() && !block.isEmpty()) {
				break;
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				block.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
			}
		}
		return block;
	}

	private static String value(String line) {
		return line.substring(line.indexOf(':') + 1).strip();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		} catch (IOException e) {
			return "";
		}
	}

	@Override
	public List<PhysicalDevice> devices() {
		return device.totalBytes() > 0 ? List.of(this) : List.of();
	}

	@Override
	public Device device() {
		return device;
	}

	@Override
	public long freeBytes() {
		return kib(read(MEMINFO), "MemAvailable");
	}

	/** The OS and the desktop need room too: a tenth of RAM, at least 2 GiB. */
	@Override
	public long defaultHeadroomBytes() {
		return Math.min(device.totalBytes() / 2, Math.max(2L << 30, device.totalBytes() / 10));
	}

	@Override
	public NativeContext open() {
		Map<Long, Arena> arenas = new ConcurrentHashMap<>();
		return new NativeContext() {
			@Override
			public String noKernels() {
				return "the CPU device runs Java code, not CUDA modules";
			}

			@Override
			public long allocate(long bytes) {
				Arena arena = Arena.ofShared();
				MemorySegment segment = arena.allocate(bytes, 64);
				arenas.put(segment.address(), arena);
				return segment.address();
			}

			@Override
			public void free(long address, long bytes) {
				Arena arena = arenas.remove(address);
				if (arena != null) {
					arena.close();
				}
			}

			@Override
			public void copyToDevice(long address, long offset, MemorySegment source) {
				MemorySegment.copy(source, 0, MemorySegment.ofAddress(address + offset).reinterpret(source.byteSize()), 0, source.byteSize());
			}

			@Override
			public void copyToHost(long address, long offset, MemorySegment target) {
				MemorySegment.copy(MemorySegment.ofAddress(address + offset).reinterpret(target.byteSize()), 0, target, 0, target.byteSize());
			}

			@Override
			public void copyDevice(long source, long sourceOffset, long target, long targetOffset, long bytes, long stream) {
				MemorySegment.copy(MemorySegment.ofAddress(source + sourceOffset).reinterpret(bytes), 0,
						MemorySegment.ofAddress(target + targetOffset).reinterpret(bytes), 0, bytes);
			}

			@Override
			public void clear(long address, long offset, long bytes, long stream) {
				MemorySegment.ofAddress(address + offset).reinterpret(bytes).fill((byte) 0);
			}

			@Override
			public void close() {
				arenas.values().forEach(Arena::close);
				arenas.clear();
			}
		};
	}
}
