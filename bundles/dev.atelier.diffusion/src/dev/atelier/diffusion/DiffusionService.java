package dev.atelier.diffusion;

import java.nio.file.Path;
import java.util.List;

import dev.atelier.core.jobs.JobHandle;

/**
 * Generates images as jobs: one at a time per device, in the order submitted, each cancellable and visible in
 * the job list while queued or running. Loaded pipelines stay loaded between jobs; on a GPU they hold an evictable
 * VRAM lease that the device service may take back while they are idle.
 */
public interface DiffusionService {

	/** The folder images go to unless a job says otherwise: {@code outputs/diffusion} in the workspace. */
	Path defaultOutputFolder();

	/**
	 * Queues a generation. The job's value is the written PNG files, one per image of the batch.
	 *
	 * @param device a device id of the device service ({@code cpu}, {@code cuda:0}, {@code sim:rtx4090}, …)
	 * @throws IllegalArgumentException when the device is unknown or the batch cannot fit the device (with the planner's advice)
	 */
	JobHandle<List<Path>> submit(Path model, GenerationRequest request, String device, Path outputFolder, GenerationListener listener);

	/** Jobs queued or running, oldest first. */
	List<JobHandle<List<Path>>> queue();
}
