package dev.atelier.compute.internal.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.DoctorCheck.Finding;

/** {@code atelier doctor}'s cuBLAS and cuDNN findings, and the library search they share. */
class CudaLibrariesCheckTest {

	@Test
	void missingCublasIsAProblemThatSaysWhatItCostsAndHowToInstallIt() {
		Finding f = CudaLibrariesCheck.cublas(Optional.empty(), "no libcublas.so.13/12 in 9 places");
		assertFalse(f.ok());
		assertTrue(f.detail().startsWith("not found (no libcublas.so.13/12 in 9 places)"), f.detail());
		assertTrue(f.detail().contains("0.35–0.39 × cuBLAS"), f.detail());
		assertTrue(f.fix().contains("ATELIER_CUBLAS="), f.fix());
	}

	@Test
	void cublasTurnedOffOnPurposeIsNoProblemButStillSaysTheCost() {
		Finding f = CudaLibrariesCheck.cublas(Optional.empty(), "ATELIER_CUBLAS=none");
		assertTrue(f.ok());
		assertTrue(f.detail().contains("Atelier's own tensor-core kernels"), f.detail());
	}

	@Test
	void foundCublasNamesItsVersionAndFile() {
		assertEquals(Finding.ok("cuBLAS", "13.1.0 at /usr/local/cuda/lib64/libcublas.so.13"),
				CudaLibrariesCheck.cublas(Optional.of("13.1.0 at /usr/local/cuda/lib64/libcublas.so.13"), ""));
	}

	@Test
	void cudnnInACudaHomeIsFoundAndItsAbsenceIsAProblemWithAFix(@TempDir Path home) throws IOException {
		List<Path> candidates = CudaLibraries.candidates(Map.of("CUDA_HOME", home.toString()), List.of("libcudnn.so.9"), List.of("cudnn/lib"));
		assertEquals(home.resolve("lib64/libcudnn.so.9"), candidates.get(0));
		assertFalse(CudaLibrariesCheck.cudnn(CudaLibraries.first(List.of(home.resolve("lib64/libcudnn.so.9")))).ok());
		Files.createDirectories(home.resolve("lib64"));
		Files.write(home.resolve("lib64/libcudnn.so.9"), new byte[] { 0x7f, 'E', 'L', 'F' });
		Optional<Path> found = CudaLibraries.first(candidates);
		assertEquals(Optional.of(home.resolve("lib64/libcudnn.so.9")), found);
		Finding f = CudaLibrariesCheck.cudnn(found);
		assertTrue(f.ok());
		assertTrue(f.detail().startsWith("libcudnn.so.9 at " + home), f.detail());
	}

	@Test
	void missingCudnnNamesWhatNeedsItAndHowToInstallIt() {
		Finding f = CudaLibrariesCheck.cudnn(Optional.empty());
		assertFalse(f.ok());
		assertTrue(f.detail().contains("ONNX Runtime's CUDA execution provider"), f.detail());
		assertTrue(f.fix().contains("nvidia-cudnn-cu12"), f.fix());
	}
}
