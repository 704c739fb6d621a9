import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import dev.atelier.compute.internal.cuda.CudaLibrariesCheck;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import dev.atelier.core.DoctorCheck;
import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.core.internal.WorkspaceDiskCheck;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.power.internal.NvmlTelemetry;

/**
 * {@code atelier doctor}'s machine checks without OSGi, on a GPU host: the driver, the GPUs and NVML must be found
 * there (a machine without a GPU runs the product's DoctorIT instead); cuBLAS and cuDNN are printed as found.
 */
public final class DoctorMain {

	public static void main(String[] args) {
		AtelierEnvironment env = new AtelierEnvironment() {
			@Override
			public String version() {
				return "gpu-check";
			}

			@Override
			public AtelierPaths paths() {
				return new AtelierPaths(Path.of(System.getProperty("java.io.tmpdir")));
			}

			@Override
			public List<String> arguments() {
				return List.of();
			}
		};
		CudaDevices cuda = new CudaDevices();
		List<DoctorCheck> checks = List.of(cuda, new NvmlTelemetry(List::of), new CudaLibrariesCheck(), new WorkspaceDiskCheck());
		List<Finding> findings = checks.stream().sorted(Comparator.comparingInt(DoctorCheck::order)).flatMap(c -> c.run(env).stream()).toList();
		for (Finding f : findings) {
			System.out.println((f.ok() ? "ok       " : "PROBLEM  ") + f.subject() + "  " + f.detail() + (f.ok() ? "" : "\n         fix: " + f.fix()));
		}
		List<String> missing = List.of("NVIDIA driver", "GPUs", "NVML").stream()
				.filter(s -> findings.stream().noneMatch(f -> f.subject().equals(s) && f.ok())).toList();
		cuda.close();
		System.out.println(missing.isEmpty() ? "DOCTOR CHECK PASSED" : "DOCTOR CHECK FAILED: not ok on a GPU host: " + missing);
		System.exit(missing.isEmpty() ? 0 : 1);
	}
}
