package dev.atelier.device.cuda.internal;

import jcuda.driver.CUresult;

/** A failed CUDA driver call, naming the call, the device and the error. */
public final class CudaException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int result;

	CudaException(String call, String device, int result) {
		super(call + " on " + device + " failed: " + CUresult.stringFor(result) + " (" + result + ")");
		this.result = result;
	}

	public int result() {
		return result;
	}

	/** Throws for any result but CUDA_SUCCESS. */
	static void check(int result, String call, String device) {
		if (result != CUresult.CUDA_SUCCESS) {
			throw new CudaException(call, device, result);
		}
	}
}
