package dev.atelier.device;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A compute device's identity and attributes, as its backend reported them. Free memory changes all the
 * time and is not part of it: ask {@link DeviceService#status(String)}. Consumers ask it what they need
 * ({@link #runsCudaModules()}, {@link #hostMemory()}, {@link #ordinal()}) rather than switch on its backend or
 * take its id apart.
 *
 * @param id                 stable across runs: {@code cuda:0}, {@code cpu}, {@code sim:rtx4090}
 * @param ordinal            its index on its backend: the CUDA driver's device ordinal, 0 for the CPU, the order
 *                           in which simulated cards were added
 * @param computeCapability  null for the CPU
 * @param multiprocessors    streaming multiprocessors of a GPU, cores of a CPU
 * @param coreClockKHz       the maximum (boost) clock, 0 when unknown
 * @param memoryClockKHz     as CUDA reports it (the data rate is twice this), 0 when unknown
 * @param memoryBusWidthBits 0 when unknown
 * @param simdWidthBits      the CPU's widest vector unit (128, 256, 512); 0 for GPUs
 * @param driverVersion      e.g. {@code 580.65.06}, empty when none applies
 * @param cudaVersion        highest CUDA version the driver supports, e.g. {@code 13.0}; empty when none
 * @param pciBusId           {@code domain:bus:device.function} in hex as CUDA reports it ({@code 0000:01:00.0}),
 *                           empty when the device is not on a PCI bus; NVML names the same card by it
 */
public record Device(String id, String name, Backend backend, int ordinal, ComputeCapability computeCapability, int multiprocessors,
		long coreClockKHz, long memoryClockKHz, int memoryBusWidthBits, long totalBytes, int simdWidthBits,
		String driverVersion, String cudaVersion, String pciBusId) {

	public Device {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(backend, "backend");
		driverVersion = driverVersion == null ? "" : driverVersion;
		cudaVersion = cudaVersion == null ? "" : cudaVersion;
		pciBusId = pciBusId == null ? "" : pciBusId;
		if (backend != Backend.CPU && computeCapability == null) {
			throw new IllegalArgumentException(id + ": a GPU needs a compute capability");
		}
		if (ordinal < 0) {
			throw new IllegalArgumentException(id + ": negative ordinal " + ordinal);
		}
	}

	/** Whether CUDA modules (kernels, CUDA libraries) run on it: a real CUDA GPU, not the CPU or a simulated card. */
	public boolean runsCudaModules() {
		return backend == Backend.CUDA;
	}

	/**
	 * Whether its memory is the host's (the CPU): work on it allocates ordinary memory and needs no lease. A simulated
	 * card computes on the host too, but its memory is booked as a GPU's, so it is leased.
	 */
	public boolean hostMemory() {
		return backend == Backend.CPU;
	}

	/** Whether it is the card a PCI bus id names (case and the domain's width aside: NVML writes 8 hex digits, CUDA 4). */
	public boolean onPciBus(String busId) {
		return !pciBusId.isEmpty() && busId != null && normalPci(pciBusId).equals(normalPci(busId));
	}

	private static String normalPci(String busId) {
		String lower = busId.strip().toLowerCase(Locale.ROOT);
		int colon = lower.indexOf(':');
		String domain = lower.substring(0, Math.max(0, colon)).replaceFirst("^0+(?=.)", "");
		return domain + lower.substring(Math.max(0, colon));
	}

	/** Native precisions: derived from the compute capability for GPUs; FP32 and INT8 for the CPU. */
	public Set<Precision> precisions() {
		return computeCapability == null ? Set.of(Precision.FP32, Precision.INT8) : Precision.forCuda(computeCapability);
	}

	/** Theoretical memory bandwidth in bytes/s: 2 (double data rate) × memory clock × bus width / 8; 0 if unknown. */
	public double peakMemoryBandwidth() {
		return 2.0 * memoryClockKHz * 1000.0 * memoryBusWidthBits / 8.0;
	}

	/**
	 * Theoretical FP32 throughput in FLOP/s: units × FP32 lanes per unit × 2 (a fused multiply-add is two
	 * operations) × clock. A GPU's lanes per SM follow its architecture; a CPU core is counted with two
	 * FMA pipes of its SIMD width. 0 when the clock is unknown.
	 */
	public double peakFp32Flops() {
		double lanes = computeCapability == null ? 2.0 * Math.max(1, simdWidthBits / 32) : fp32LanesPerSm(computeCapability);
		return multiprocessors * lanes * 2.0 * coreClockKHz * 1000.0;
	}

	/**
	 * Theoretical dense FP16 tensor-core throughput (FP16 accumulation) in FLOP/s: SMs × tensor FLOP per clock
	 * per SM × clock. GeForce parts run FP32 accumulation at half this rate. 0 without tensor cores.
	 */
	public double peakFp16TensorFlops() {
		return computeCapability == null ? 0 : multiprocessors * tensorFlopsPerClockPerSm(computeCapability) * coreClockKHz * 1000.0;
	}

	/** FP32 lanes (CUDA cores) per SM by architecture. */
	static int fp32LanesPerSm(ComputeCapability cc) {
		return switch (cc.major()) {
		case 6 -> cc.minor() == 0 ? 64 : 128;
		case 7 -> 64;
		case 8 -> cc.minor() == 0 ? 64 : 128;
		default -> 128;
		};
	}

	/**
	 * Dense FP16 tensor FLOP per clock per SM: Volta/Turing 1024, A100 2048, GA10x/Ada 1024, Hopper 4096,
	 * Blackwell data-centre 8192, Blackwell GeForce 1024; nothing before Volta.
	 */
	static int tensorFlopsPerClockPerSm(ComputeCapability cc) {
		return switch (cc.major()) {
		case 7 -> 1024;
		case 8 -> cc.minor() == 0 ? 2048 : 1024;
		case 9 -> 4096;
		case 10 -> 8192;
		case 11, 12 -> 1024;
		default -> cc.major() > 12 ? 1024 : 0;
		};
	}
}
