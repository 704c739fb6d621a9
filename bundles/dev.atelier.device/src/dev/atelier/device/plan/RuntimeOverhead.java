package dev.atelier.device.plan;

import java.util.List;

/**
 * The CUDA context and the cuBLAS/cuDNN workspaces: counted once per plan, because every Atelier workload
 * shares the device service's one context (separate programs would each pay it).
 */
public record RuntimeOverhead() implements Workload {

	public static final long BYTES = 500_000_000L;

	@Override
	public String spec() {
		return "cuda-context";
	}

	@Override
	public long bytes() {
		return BYTES;
	}

	@Override
	public String breakdown() {
		return "CUDA context and library workspaces, shared by all workloads";
	}

	@Override
	public List<Workload> cheaper() {
		return List.of();
	}
}
