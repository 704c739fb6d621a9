package dev.atelier.device;

import java.lang.foreign.MemorySegment;

/**
 * Host memory for transfers from {@link ComputeContext#allocateHost}: page-locked (pinned) on CUDA devices, so
 * that copies run at full PCIe speed and asynchronously; ordinary native memory elsewhere. It is not device
 * memory and does not count against the lease. Closing it frees the memory.
 */
public interface HostBuffer extends AutoCloseable {

	/** The memory, valid until closed. */
	MemorySegment segment();

	/** True when the driver page-locked it. */
	boolean pinned();

	@Override
	void close();
}
