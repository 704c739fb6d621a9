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
import dev.atelier.model.WorkspaceStore;
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

	private List<JobRecord> loadedJobs() {
		try {
			return WorkspaceStore.load(dir.resolve("workspace.xmi")).workspace().getJobs();
		} catch (java.io.IOException e) {
			throw new AssertionError(e);
		}
	}
}
