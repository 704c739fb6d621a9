package dev.atelier.power.internal;

import java.util.List;
import java.util.Optional;

import dev.atelier.core.DoctorCheck.Finding;

/** {@code atelier doctor}'s finding about NVML, the driver's library behind every GPU power and temperature reading. */
final class NvmlCheck {

	private static final String COST = "no GPU power, temperature, clocks or energy in `atelier power`, the Power view or job records";

	private NvmlCheck() {
	}

	/** The GPUs NVML sees by name, or empty with {@code unavailable} saying why NVML is not there. */
	static Finding finding(Optional<List<String>> gpus, String unavailable) {
		if (gpus.isPresent() && !gpus.get().isEmpty()) {
			return Finding.ok("NVML", "sees " + gpus.get().size() + " GPU(s): " + String.join(", ", gpus.get()));
		}
		if (gpus.isPresent()) {
			return Finding.problem("NVML", "starts but sees no GPU: " + COST, "check that `nvidia-smi` lists the GPU; in a container, start it with `--gpus all`");
		}
		if (unavailable.equals(Nvml.NOT_FOUND)) {
			return Finding.problem("NVML", "libnvidia-ml.so.1 not found: " + COST + " (RAPL still measures the CPU)",
					"NVML comes with the NVIDIA driver (Ubuntu: its nvidia-utils and libnvidia-compute packages); "
							+ "in a container, the NVIDIA Container Toolkit mounts it with `--gpus all`");
		}
		return Finding.problem("NVML", unavailable + ": " + COST, "`nvidia-smi` uses NVML too and prints its error; after a driver upgrade "
				+ "(NVML_ERROR_LIB_RM_VERSION_MISMATCH) reboot; NVML_ERROR_DRIVER_NOT_LOADED: `sudo modprobe nvidia` or reinstall the driver");
	}
}
