package dev.atelier.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceModule;

/**
 * The CUDA kernels Atelier ships: one fatbin per source in the repository's {@code kernels/} (cubins for sm_75,
 * sm_80, sm_86, sm_89 and sm_90, compute_80 PTX for newer GPUs), built by nvcc 13 and committed with
 * {@code fatbin/MANIFEST.sha256}. They load only through a device service's {@link ComputeContext}.
 */
public final class Kernels {

	private static final String MANIFEST = "/fatbin/MANIFEST.sha256";

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
	 * Loads a kernel image into a compute context. Throws {@link UnsupportedOperationException} with the reason
	 * where the device cannot run Atelier's kernels (a CPU or simulated device, a driver older than 580, a GPU
	 * older than Turing).
	 */
	public static DeviceModule load(ComputeContext context, String name) {
		context.device().kernelIncompatibility().ifPresent(why -> {
			throw new UnsupportedOperationException(context.device().id() + ": " + why);
		});
		return context.loadModule(image(name));
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
