package dev.atelier.compute.internal.cuda;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;

/** {@code atelier doctor}: whether cuBLAS and cuDNN are found, and what their absence costs. */
@Component(service = DoctorCheck.class)
public final class CudaLibrariesCheck implements DoctorCheck {

	private static final List<String> CUDNN = List.of("libcudnn.so.9");

	@Override
	public int order() {
		return 300;
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		Optional<String> cublas = Cublas.library().map(l -> l.version() + " at " + l.path());
		Optional<Path> cudnn = CudaLibraries.first(CudaLibraries.candidates(System.getenv(), CUDNN, List.of("cudnn/lib", "cu13/lib")));
		return List.of(cublas(cublas, Cublas.searched()), cudnn(cudnn));
	}

	/** cuBLAS as found ({@code "VERSION at PATH"}), or why not, as the search says. */
	static Finding cublas(Optional<String> found, String searched) {
		if (found.isPresent()) {
			return Finding.ok("cuBLAS", found.get());
		}
		String cost = "the LLM's prompt batches on a GPU multiply with Atelier's own tensor-core kernels instead "
				+ "(0.35–0.39 × cuBLAS's FP16 GEMM on an H100, docs/benchmarks.md); decoding does not use it";
		if (searched.equals("ATELIER_CUBLAS=none")) {
			return Finding.ok("cuBLAS", "turned off by ATELIER_CUBLAS=none: " + cost);
		}
		return Finding.problem("cuBLAS", "not found (" + searched + "): " + cost,
				"install cuBLAS 13 or 12: the CUDA toolkit (https://developer.nvidia.com/cuda-downloads) or `pip install nvidia-cublas-cu12`; "
						+ "or name the library with ATELIER_CUBLAS=/path/to/libcublas.so.13");
	}

	/** cuDNN 9 as found, or not. */
	static Finding cudnn(Optional<Path> found) {
		String user = "ONNX Runtime's CUDA execution provider (diffusion on a GPU, with the onnxruntime_gpu build) needs it, Atelier's own engines do not";
		if (found.isPresent()) {
			return Finding.ok("cuDNN", "libcudnn.so.9 at " + found.get() + "; " + user);
		}
		return Finding.problem("cuDNN", "libcudnn.so.9 not found (CUDA toolkits, library paths, PyTorch's nvidia/cudnn/lib): " + user
				+ "; without it, images are made on the CPU", "`pip install nvidia-cudnn-cu12`, or NVIDIA's cuDNN 9 packages for CUDA 12 "
						+ "(https://developer.nvidia.com/cudnn-downloads), and LD_LIBRARY_PATH naming its lib folder");
	}
}
