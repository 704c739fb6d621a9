package dev.atelier.testing.devices;

import dev.atelier.device.Backend;
import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;

/** Device records for tests, with the attributes of real parts; tests never build a {@link Device} by hand. */
public final class TestDevices {

	private TestDevices() {
	}

	/** A 16-core CPU with AVX-512 and 64 GiB. */
	public static Device cpu() {
		return new Device("cpu", "CPU", Backend.CPU, 0, null, 16, 3_000_000, 0, 0, 64L << 30, 512, "", "", "");
	}

	/** An H100-like 80 GiB GPU with driver 580.65.06 (CUDA 13.0), compute capability 9.0. */
	public static Device cuda(int ordinal) {
		return cuda(ordinal, "13.0", 9, 0);
	}

	/** A CUDA GPU of compute capability {@code major.minor} whose driver supports {@code cudaVersion}. */
	public static Device cuda(int ordinal, String cudaVersion, int major, int minor) {
		return new Device("cuda:" + ordinal, "GPU cuda:" + ordinal, Backend.CUDA, ordinal, new ComputeCapability(major, minor), 132, 1_980_000,
				2_619_000, 5120, 80L << 30, 0, "580.65.06", cudaVersion, String.format("0000:%02x:00.0", ordinal + 1));
	}

	/** A CUDA GPU as a data sheet describes it. */
	public static Device cuda(int ordinal, String name, ComputeCapability cc, int multiprocessors, long coreClockKHz, long memoryClockKHz,
			int busWidthBits, long totalBytes, String driverVersion, String cudaVersion) {
		return new Device("cuda:" + ordinal, name, Backend.CUDA, ordinal, cc, multiprocessors, coreClockKHz, memoryClockKHz, busWidthBits,
				totalBytes, 0, driverVersion, cudaVersion, String.format("0000:%02x:00.0", ordinal + 1));
	}

	/** A simulated card of {@code totalBytes} with an Ada GPU's attributes, id {@code sim:NAME}. */
	public static Device simulated(String name, long totalBytes) {
		return new Device("sim:" + name, "Test GPU " + name, Backend.SIMULATED, 0, new ComputeCapability(8, 9), 128, 2_520_000, 10_501_000, 384,
				totalBytes, 0, "", "", "");
	}
}
