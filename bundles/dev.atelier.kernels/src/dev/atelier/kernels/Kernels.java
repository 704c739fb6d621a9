package dev.atelier.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.atelier.device.ComputeCapability;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceModule;

/**
 * The CUDA kernels Atelier ships: one fatbin per source in the repository's {@code kernels/} (cubins for sm_75,
 * sm_80, sm_86, sm_89 and sm_90, compute_80 PTX for newer GPUs), built by nvcc 13 and committed with
 * {@code fatbin/MANIFEST.sha256}. They load only through a device service's {@link ComputeContext}.
 */
public final class Kernels {

	private static final String MANIFEST = "/fatbin/MANIFEST.sha256";

	/** The oldest architecture Atelier's kernels are built for (cubins sm_75 … sm_90, PTX compute_80). */
	public static final ComputeCapability OLDEST_KERNEL_TARGET = new ComputeCapability(7, 5);
	/** Atelier's kernels are built with CUDA 13, which needs a driver of the 580 series or newer. */
	public static final int KERNEL_CUDA_MAJOR = 13;

	private Kernels() {
	}

	/** The manifest: SHA-256 by path ({@code kernels/stream.cu}, {@code fatbin/stream.fatbin}, …), in its order. */
	public static Map<String, String> manifest() {
		Map<String, String> entries = new LinkedHashMap<>();
		for (String line : new String(resource(MANIFEST), StandardCharsets.UTF_8).split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				String[] parts = line.strip().split("\\s+", 2);
				entries.put(parts[1], parts[0]);
			}
		}
		return entries;
	}

	/** The kernel images shipped, by source name without extension ({@code stream}, {@code gemm}, …). */
	public static List<String> names() {
		return manifest().keySet().stream().filter(p -> p.startsWith("fatbin/") && p.endsWith(".fatbin"))
				.map(p -> p.substring("fatbin/".length(), p.length() - ".fatbin".length())).toList();
	}

	/** The fatbin of a kernel source; throws naming the known ones for an unknown name. */
	public static byte[] image(String name) {
		if (!names().contains(name)) {
			throw new IllegalArgumentException("no kernel image '" + name + "'; shipped: " + String.join(", ", names()));
		}
		return resource("/fatbin/" + name + ".fatbin");
	}

	/**
	 * Why the kernels Atelier ships cannot run on a device, or empty when they can (and for devices that run no CUDA
	 * modules, which do not run them).
	 */
	public static Optional<String> incompatibility(Device device) {
		if (!device.runsCudaModules()) {
			return Optional.empty();
		}
		String cudaVersion = device.cudaVersion();
		int cudaMajor;
		try {
			cudaMajor = Integer.parseInt(cudaVersion.split("\\.")[0]);
		} catch (NumberFormatException e) {
			cudaMajor = 0;
		}
		if (cudaMajor < KERNEL_CUDA_MAJOR) {
			return Optional.of("the driver" + (device.driverVersion().isEmpty() ? "" : " " + device.driverVersion()) + " supports CUDA "
					+ (cudaVersion.isEmpty() ? "(unknown)" : cudaVersion) + "; Atelier's kernels are built with CUDA 13 and need driver 580 or newer");
		}
		if (device.computeCapability().compareTo(OLDEST_KERNEL_TARGET) < 0) {
			return Optional.of("compute capability " + device.computeCapability() + " is older than " + OLDEST_KERNEL_TARGET
					+ ", the oldest architecture Atelier's kernels are built for");
		}
		return Optional.empty();
	}

	/**
	 * Loads a kernel image into a compute context. Throws {@link UnsupportedOperationException} with the reason
	 * where the device cannot run Atelier's kernels (a CPU or simulated device, a driver older than 580, a GPU
	 * older than Turing).
	 */
	public static DeviceModule load(ComputeContext context, String name) {
		incompatibility(context.device()).ifPresent(why -> {
			throw new UnsupportedOperationException(context.device().id() + ": " + why);
		});
		return context.loadModule(image(name));
	}

	/**
	 * The CPU backend's native integer kernels (kernels/cpu_quant.c) as a file the FFM linker can open, written once
	 * per process to a temporary file; the reason where none is shipped for this platform (only Linux on x86-64 is).
	 */
	public static synchronized HostLibrary hostLibrary() {
		if (hostLibrary == null) {
			hostLibrary = extractHostLibrary();
		}
		return hostLibrary;
	}

	/** A native library for this platform ({@code path}), or why there is none ({@code missing}). */
	public record HostLibrary(Optional<Path> path, String missing) {
	}

	private static HostLibrary hostLibrary;

	private static HostLibrary extractHostLibrary() {
		String os = System.getProperty("os.name", "");
		String arch = System.getProperty("os.arch", "");
		if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
			return new HostLibrary(Optional.empty(), "no native CPU kernels are built for " + os + " on " + arch);
		}
		String name = "native/linux-x86_64/libatelier_cpu.so";
		byte[] image;
		try {
			image = resource("/" + name);
		} catch (UncheckedIOException | IllegalStateException e) {
			return new HostLibrary(Optional.empty(), e.getMessage());
		}
		try {
			Path file = Files.createTempFile("atelier-cpu-", ".so");
			file.toFile().deleteOnExit();
			Files.write(file, image);
			return new HostLibrary(Optional.of(file), "");
		} catch (IOException e) {
			return new HostLibrary(Optional.empty(), "cannot write " + name + " to a temporary file: " + e.getMessage());
		}
	}

	private static byte[] resource(String path) {
		try (InputStream in = Kernels.class.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("the kernels bundle lacks " + path + ": it was built without kernels/ (run make -C kernels)");
			}
			return in.readAllBytes();
		} catch (IOException e) {
			throw new UncheckedIOException("cannot read " + path + " from the kernels bundle", e);
		}
	}
}
