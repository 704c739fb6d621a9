package dev.atelier.compute.internal;

import org.osgi.service.component.annotations.Component;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.compute.internal.cpu.CpuCompute;
import dev.atelier.compute.internal.cuda.CudaCompute;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;

/** The compute runtime: Atelier's CUDA kernels where the device runs CUDA modules, the CPU backend everywhere else. */
@Component(service = ComputeRuntime.class)
public final class ComputeRuntimeService implements ComputeRuntime {

	@Override
	public Compute open(ComputeContext context, int cpuThreads) {
		Device device = context.device();
		if (device.runsCudaModules()) {
			return CudaCompute.open(context);
		}
		return new CpuCompute(context, cpuThreads);
	}

	@Override
	public long workspaceBytes(Device device, int batchRows, int maxCols) {
		return device.hostMemory() ? 0 : ComputeRuntime.gpuWorkspaceBytes(batchRows, maxCols);
	}

	@Override
	public String describe(Device device) {
		if (device.runsCudaModules()) {
			return CudaCompute.describe(device);
		}
		return CpuCompute.describe();
	}
}
