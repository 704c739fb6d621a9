package dev.atelier.device.cuda.internal;

import java.util.List;
import java.util.Locale;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.device.Device;

/** {@code atelier doctor}'s findings about the NVIDIA driver and its GPUs, from what device discovery was answered. */
final class CudaDriverCheck {

	/** cuInit's CUDA_ERROR_NO_DEVICE and CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (kernel module and library differ). */
	static final int NO_DEVICE = 100, DRIVER_MISMATCH = 803;

	static final String INSTALL = "install the NVIDIA driver 580 or newer (Ubuntu: `sudo ubuntu-drivers install`, then reboot) and check that "
			+ "`nvidia-smi` lists the GPU; in a container, start it with `--gpus all` (NVIDIA Container Toolkit)";

	/**
	 * What discovery met: {@code loadFailure} when libcuda could not be loaded, else {@code initResult} (a CUresult,
	 * 0 for success) named {@code initName}, or {@code stopped} when a later driver call failed; the kernel module's
	 * version ({@code driver}, empty where unreadable) and the driver's CUDA version ({@code cuda}, empty before it
	 * answered).
	 */
	record Discovery(String loadFailure, int initResult, String initName, String stopped, String driver, String cuda) {

		static Discovery notLoaded(String why, String driver) {
			return new Discovery(why, 0, null, null, driver, "");
		}

		static Discovery initFailed(int result, String name, String driver) {
			return new Discovery(null, result, name, null, driver, "");
		}

		static Discovery stopped(String why, String driver, String cuda) {
			return new Discovery(null, 0, null, why, driver, cuda);
		}

		static Discovery answered(String driver, String cuda) {
			return new Discovery(null, 0, null, null, driver, cuda);
		}
	}

	private CudaDriverCheck() {
	}

	static List<Finding> findings(Discovery d, List<Device> gpus) {
		if (d.loadFailure() != null) {
			return List.of(Finding.problem("NVIDIA driver", "no NVIDIA driver: libcuda.so.1 cannot be loaded (" + d.loadFailure()
					+ "); no GPU can be used, everything runs on the CPU", INSTALL));
		}
		if (d.initResult() == NO_DEVICE) {
			return List.of(Finding.problem("GPUs", "the NVIDIA driver" + version(d) + " is loaded but finds no GPU (" + d.initName() + ")",
					"check that `nvidia-smi` lists the GPU; CUDA_VISIBLE_DEVICES, if set, may hide it; in a container, start it with `--gpus all`"));
		}
		if (d.initResult() == DRIVER_MISMATCH) {
			return List.of(Finding.problem("NVIDIA driver", "the driver's kernel module" + version(d) + " and its library differ ("
					+ d.initName() + "): no GPU can be used", "reboot after a driver upgrade; if it persists, reinstall the NVIDIA driver"));
		}
		if (d.initResult() != 0) {
			return List.of(Finding.problem("NVIDIA driver", "the NVIDIA driver" + version(d) + " did not start (cuInit: " + d.initName()
					+ "): no GPU can be used", "run `nvidia-smi` to see the driver's own error; a reboot after a driver upgrade, " + INSTALL));
		}
		Finding driver = Finding.ok("NVIDIA driver", (d.driver().isEmpty() ? "version not readable (/proc/driver/nvidia hidden)" : d.driver())
				+ ", CUDA " + d.cuda());
		if (d.stopped() != null) {
			return List.of(driver, Finding.problem("GPUs", "discovery stopped: " + d.stopped(),
					"run `nvidia-smi -q` for the GPU's state; a GPU that fell off the bus needs a reboot"));
		}
		if (gpus.isEmpty()) {
			return List.of(driver, Finding.problem("GPUs", "the driver answers but counts no GPU", "check that `nvidia-smi` lists the GPU"));
		}
		StringBuilder list = new StringBuilder();
		for (Device g : gpus) {
			list.append(list.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s %s, %.0f GiB, compute %s", g.id(), g.name(),
					g.totalBytes() / (double) (1L << 30), g.computeCapability()));
		}
		return List.of(driver, Finding.ok("GPUs", list.toString()));
	}

	private static String version(Discovery d) {
		return d.driver().isEmpty() ? "" : " " + d.driver();
	}
}
