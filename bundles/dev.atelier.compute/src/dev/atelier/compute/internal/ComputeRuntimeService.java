package dev.atelier.compute.internal;

import org.osgi.service.component.annotations.Component;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.compute.internal.cpu.CpuCompute;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;

/** The compute runtime: Atelier's CUDA kernels where the device runs CUDA modules, the CPU backend everywhere else. */
@Component(service = ComputeRuntime.class)
public final class ComputeRuntimeService implements ComputeRuntime {

	@Override
	public Compute open(ComputeContext context, int cpuThreads) {
		Device device = context.device();
		if (device.runsCudaModules()) {
			return openCuda(context);
		}
		return new CpuCompute(context, cpuThreads);
	}

	/** The one place the CUDA backend plugs in. */
	private static Compute openCuda(ComputeContext context) {
		throw new UnsupportedOperationException(context.device().id() + ": the CUDA backend of the compute runtime is not built yet");
	}

	@Override
	public String describe(Device device) {
		if (device.runsCudaModules()) {
			return "CUDA backend not built yet";
		}
		return "CPU backend: Vector API " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit";
	}
}
