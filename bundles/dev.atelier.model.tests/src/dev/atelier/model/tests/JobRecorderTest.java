package dev.atelier.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobState;
import dev.atelier.model.internal.FileWorkspaceManager;
import dev.atelier.model.internal.JobRecorder;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.testing.FakeJobService;

class JobRecorderTest {

	@TempDir
	Path dir;

	/** A job service whose jobs the test moves through their states by hand. */
	private static final class ManualJobs {
		final FakeJobService service = new FakeJobService();

		void move(long id, String name, JobState state) {
			move(id, name, state, Map.of(), List.of());
		}

		void move(long id, String name, JobState state, Map<String, String> details, List<String> outputs) {
			service.announce(FakeJobService.snapshot(id, name, state, details, outputs));
		}
	}

	@Test
	void finishedJobsAreRecordedWithTheirEnergy() {
		ManualJobs jobs = new ManualJobs();
		FileWorkspaceManager workspace = FileWorkspaceManager.at(dir.resolve("workspace.xmi"));
		JobRecorder recorder = new JobRecorder(jobs.service, workspace);
		recorder.setMeter(() -> () -> Optional.of(new EnergyMeter.Reading(1234.5, 411.5, 449.0)));
		jobs.move(1, "diffusion.txt2img", JobState.RUNNING);
		jobs.move(1, "diffusion.txt2img", JobState.RUNNING); // progress while running: still one record
		jobs.move(1, "diffusion.txt2img", JobState.SUCCEEDED, Map.of(JobHandle.DEVICE, "cuda:0", "Steps", "20"), List.of("/out/00000-7.png"));
		recorder.unsetMeter(null);
		jobs.move(2, "bench", JobState.CANCELLED);
		recorder.close();

		List<JobRecord> records = loadedJobs();
		assertEquals(2, records.size());
		JobRecord first = records.get(0);
		assertEquals("diffusion.txt2img", first.getKind());
		assertEquals(JobStatus.SUCCEEDED, first.getStatus());
		assertEquals(1234.5, first.getEnergyJoules());
		assertEquals(411.5, first.getAverageWatts());
		assertEquals(449.0, first.getPeakWatts());
		assertFalse(first.getEnd().before(first.getStart()));
		assertEquals("cuda:0", first.getDevice(), "the device a job noted");
		assertEquals("20", first.getParameters().get("Steps"), "the parameters it noted");
		assertEquals(List.of("/out/00000-7.png"), first.getOutputs(), "the files it wrote");
		JobRecord second = records.get(1);
		assertEquals(JobStatus.CANCELLED, second.getStatus());
		assertFalse(second.isSetEnergyJoules(), "not measured: unknown, not 0 J");
	}

	/** A meter over a CPU (RAPL, 40 W) and a simulated card (440 W) for 10 s: it sums the devices asked for. */
	private static final class TwoDeviceMeter implements EnergyMeter {
		final Map<String, Double> watts = Map.of("cpu", 40.0, "sim:rtx4090", 440.0);

		@Override
		public Measurement start() {
			return new Measurement() {
				@Override
				public Optional<Reading> stop() {
					return stop(watts.keySet());
				}

				@Override
				public Optional<Reading> stop(java.util.Collection<String> deviceIds) {
					double w = deviceIds.stream().filter(watts::containsKey).mapToDouble(watts::get).sum();
					return w == 0 ? Optional.empty() : Optional.of(new Reading(w * 10, w, w, deviceIds.contains("sim:rtx4090")));
				}
			};
		}
	}

	@Test
	void aJobIsBilledOnlyTheDevicesItRanOnAndSimulatedFiguresAreMarked() {
		ManualJobs jobs = new ManualJobs();
		FileWorkspaceManager workspace = FileWorkspaceManager.at(dir.resolve("workspace.xmi"));
		JobRecorder recorder = new JobRecorder(jobs.service, workspace);
		recorder.setMeter(new TwoDeviceMeter());
		jobs.move(1, "diffusion on cpu", JobState.RUNNING);
		jobs.move(1, "diffusion on cpu", JobState.SUCCEEDED, Map.of(JobHandle.DEVICE, "cpu"), List.of());
		jobs.move(2, "diffusion on sim:rtx4090", JobState.RUNNING);
		jobs.move(2, "diffusion on sim:rtx4090", JobState.SUCCEEDED, Map.of(JobHandle.DEVICE, "sim:rtx4090"), List.of());
		jobs.move(3, "llm split", JobState.RUNNING);
		jobs.move(3, "llm split", JobState.SUCCEEDED, Map.of(JobHandle.DEVICE, "sim:rtx4090+cpu"), List.of());
		jobs.move(4, "failed before choosing a device", JobState.RUNNING);
		jobs.move(4, "failed before choosing a device", JobState.FAILED);
		recorder.close();

		List<JobRecord> records = loadedJobs();
		assertEquals(400.0, records.get(0).getEnergyJoules(), "the CPU job pays the CPU's 40 W, not the card's 440 W");
		assertFalse(records.get(0).getParameters().containsKey(JobRecorder.SIMULATED_ENERGY), "measured, not simulated");
		assertEquals(4400.0, records.get(1).getEnergyJoules());
		assertEquals("simulated device figures, not measured", records.get(1).getParameters().get(JobRecorder.SIMULATED_ENERGY));
		assertEquals(4800.0, records.get(2).getEnergyJoules(), "a job over two devices pays both");
		assertFalse(records.get(3).isSetEnergyJoules(), "a job that named no device is billed nothing");
	}

	private List<JobRecord> loadedJobs() {
		return FileWorkspaceManager.at(dir.resolve("workspace.xmi")).read(ws -> List.copyOf(ws.getJobs()));
	}
}
