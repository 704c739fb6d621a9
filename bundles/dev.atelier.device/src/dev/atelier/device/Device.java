package dev.atelier.device;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A compute device's identity and attributes, as its backend reported them. Free memory changes all the
 * time and is not part of it: ask {@link DeviceService#status(String)}.
 *
 * @param id                 stable across runs: {@code cuda:0}, {@code cpu}, {@code sim:rtx4090}
 * @param computeCapability  null for the CPU
 * @param multiprocessors    streaming multiprocessors of a GPU, cores of a CPU
 * @param coreClockKHz       the maximum (boost) clock, 0 when unknown
 * @param memoryClockKHz     as CUDA reports it (the data rate is twice this), 0 when unknown
 * @param memoryBusWidthBits 0 when unknown
 * @param simdWidthBits      the CPU's widest vector unit (128, 256, 512); 0 for GPUs
 * @param driverVersion      e.g. {@code 580.65.06}, empty when none applies
 * @param cudaVersion        highest CUDA version the driver supports, e.g. {@code 13.0}; empty when none
 */
public record Device(String id, String name, Backend backend, ComputeCapability computeCapability, int multiprocessors,
		long coreClockKHz, long memoryClockKHz, int memoryBusWidthBits, long totalBytes, int simdWidthBits,
		String driverVersion, String cudaVersion) {

	public Device {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(backend, "backend");
		driverVersion = driverVersion == null ? "" : driverVersion;
		cudaVersion = cudaVersion == null ? "" : cudaVersion;
		if (backend != Backend.CPU && computeCapability == null) {
			throw new IllegalArgumentException(id + ": a GPU needs a compute capability");
		}
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

	/** The oldest architecture Atelier's kernels are built for (cubins sm_75 … sm_90, PTX compute_80). */
	public static final ComputeCapability OLDEST_KERNEL_TARGET = new ComputeCapability(7, 5);
	/** Atelier's kernels are built with CUDA 13, which needs a driver of the 580 series or newer. */
	public static final int KERNEL_CUDA_MAJOR = 13;

	/**
	 * Why the kernels Atelier ships cannot run on this device, or empty when they can (and for non-CUDA
	 * devices, which do not run them).
	 */
	public Optional<String> kernelIncompatibility() {
		if (backend != Backend.CUDA) {
			return Optional.empty();
		}
		int cudaMajor;
		try {
			cudaMajor = Integer.parseInt(cudaVersion.split("\\.")[0]);
		} catch (NumberFormatException e) {
			cudaMajor = 0;
		}
		if (cudaMajor < KERNEL_CUDA_MAJOR) {
			return Optional.of("the driver" + (driverVersion.isEmpty() ? "" : " " + driverVersion) + " supports CUDA "
					+ (cudaVersion.isEmpty() ? "(unknown)" : cudaVersion) + "; Atelier's kernels are built with CUDA 13 and need driver 580 or newer");
		}
		if (computeCapability.compareTo(OLDEST_KERNEL_TARGET) < 0) {
			return Optional.of("compute capability " + computeCapability + " is older than " + OLDEST_KERNEL_TARGET
					+ ", the oldest architecture Atelier's kernels are built for");
		}
		return Optional.empty();
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
