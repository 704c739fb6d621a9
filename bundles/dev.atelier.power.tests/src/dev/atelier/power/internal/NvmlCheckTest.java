package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.testing.TestEnvironment;

/** {@code atelier doctor}'s NVML finding for each way NVML can be there or not. */
class NvmlCheckTest {

	@Test
	void nvmlSeeingGpusIsOkAndNamesThem() {
		assertEquals(Finding.ok("NVML", "sees 2 GPU(s): NVIDIA H100 80GB HBM3, NVIDIA H100 80GB HBM3"),
				NvmlCheck.finding(Optional.of(List.of("NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3")), ""));
	}

	@Test
	void noNvmlLibraryIsAProblemThatSaysWhatIsLostAndWhereNvmlComesFrom() {
		Finding f = NvmlCheck.finding(Optional.empty(), Nvml.NOT_FOUND);
		assertFalse(f.ok());
		assertTrue(f.detail().startsWith("libnvidia-ml.so.1 not found: no GPU power"), f.detail());
		assertTrue(f.fix().contains("NVIDIA driver"), f.fix());
	}

	@Test
	void nvmlThatDidNotStartCarriesItsErrorAndTheRebootFix() {
		Finding f = NvmlCheck.finding(Optional.empty(), "NVML is present but did not start: NVML_ERROR_LIB_RM_VERSION_MISMATCH");
		assertFalse(f.ok());
		assertTrue(f.detail().startsWith("NVML is present but did not start: NVML_ERROR_LIB_RM_VERSION_MISMATCH"), f.detail());
		assertTrue(f.fix().contains("reboot"), f.fix());
	}

	@Test
	void nvmlWithoutGpusIsAProblem() {
		assertFalse(NvmlCheck.finding(Optional.of(List.of()), "").ok());
	}

	@Test
	void thisMachinesNvmlIsReportedAsADoctorFinding() {
		List<Finding> found = new NvmlTelemetry(List::of).run(TestEnvironment.at(Path.of("/tmp/ws")));
		assertEquals(1, found.size());
		assertEquals("NVML", found.get(0).subject());
		if (!Files.exists(Path.of("/dev/nvidiactl"))) {
			assertFalse(found.get(0).ok(), found.toString());
		}
	}
}
