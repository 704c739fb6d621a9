package dev.atelier.llm.internal.cli;

import java.util.function.Consumer;

import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.UsageException;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.internal.engine.Placement;
import picocli.CommandLine.Option;

/**
 * Where the embedded engine runs, for every {@code llm} command that runs a model (a picocli mixin): {@code --device},
 * {@code --gpu-layers} or {@code --devices}, and {@code --threads}.
 */
final class EngineOptions {

	@Option(names = "--device", paramLabel = "ID", description = "where the model runs: cpu, cuda:N, sim:PROFILE or auto (default): the first GPU "
			+ "where its memory holds the model, else as many layers as it holds with the rest on the CPU, else the CPU")
	private DeviceId device;

	@Option(names = "--gpu-layers", paramLabel = "N", description = "layers on the GPU, the last ones (with the classifier), the rest on the CPU "
			+ "(default: as many as fit)")
	private Integer gpuLayers;

	@Option(names = "--devices", paramLabel = "ID,ID…|all", description = "split the layers across these devices in order (all: every GPU), each "
			+ "a share in proportion to its free memory; the embedding runs on the first, the output on the last (not with --device or --gpu-layers)")
	private DeviceSelection split;

	@Option(names = "--threads", paramLabel = "N", description = "threads of the CPU engine (default: one per core)")
	private int threads = Runtime.getRuntime().availableProcessors();

	/** More threads than this many per core only cost memory and switches (each is a native thread the CPU engine starts). */
	private static final int THREADS_PER_CORE = 8;

	int threads() {
		UsageException.atLeast(1, threads, "--threads");
		int cores = Runtime.getRuntime().availableProcessors();
		if (threads > THREADS_PER_CORE * cores) {
			throw new UsageException("--threads: " + threads + " is more than " + THREADS_PER_CORE * cores + " (" + THREADS_PER_CORE + " for each of the " + cores
					+ " cores here)");
		}
		return threads;
	}

	/** The placement these options ask for; {@code notes} hears what was chosen. An unknown device is a usage error. */
	Placement placement(DeviceService devices, ComputeRuntime runtime, Consumer<String> notes) {
		if (split != null) {
			if (device != null || gpuLayers != null) {
				throw new UsageException("--devices splits the layers across the devices it lists: give it without --device and --gpu-layers");
			}
			try {
				devices.resolveAll(split.toString());
			} catch (IllegalArgumentException e) {
				throw new UsageException("--devices: " + e.getMessage());
			}
			return new Placement(devices, runtime, split.toString(), Placement.SPLIT_LAYERS, threads(), notes);
		}
		String id = device == null ? DeviceId.AUTO.id() : device.id();
		try {
			devices.resolve(id);
		} catch (IllegalArgumentException e) {
			throw new UsageException("--device: " + e.getMessage());
		}
		int layers = gpuLayers == null ? Placement.AUTO_LAYERS : UsageException.atLeast(0, gpuLayers, "--gpu-layers");
		return new Placement(devices, runtime, id, layers, threads(), notes);
	}
}
