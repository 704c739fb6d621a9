package dev.atelier.power;

import java.util.List;

/** Something that reads power, heat and clocks of devices: NVML for NVIDIA GPUs, a simulation, RAPL for CPUs. */
public interface TelemetrySource {

	/** Device ids as the device service names them ({@code cuda:0}, {@code sim:rtx4090}, {@code cpu}). */
	List<String> deviceIds();

	/** A reading now; throws {@link TelemetryException} naming the device when it cannot be read (e.g. GPU lost). */
	Sample sample(String deviceId);

	/** Why this source has no devices on this machine (e.g. no NVIDIA driver), or empty when it has them. */
	default java.util.Optional<String> absence() {
		return java.util.Optional.empty();
	}

	/** Whether the figures are made up (a simulated card, a replayed trace) rather than read from hardware. */
	default boolean simulated() {
		return false;
	}

	/** The processes using the device now, where the source can tell; none by default. */
	default List<GpuProcess> processes(String deviceId) {
		return List.of();
	}
}
