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

	/**
	 * Queues a generation whose batch is spread over several devices: one job whose images are split into contiguous
	 * runs, as even as they go, each run generated on its device's lane with a copy of the model under that device's
	 * lease. Image i keeps its seed (seed + i), so the images are those one device makes; the listener hears each step
	 * once every device has made it, with a preview of every image. Cancelling the job stops every device. The job's
	 * {@link JobHandle#DEVICE} detail names them all, joined by {@code +}, so that its energy sums over them.
	 *
	 * @param devices device ids as for {@link #submit(Path, GenerationRequest, String, Path, GenerationListener)}, each once
	 * @throws IllegalArgumentException when a device is unknown or its run of the batch cannot fit it
	 */
	default JobHandle<List<Path>> submit(Path model, GenerationRequest request, List<String> devices, Path outputFolder, GenerationListener listener) {
		if (devices.size() != 1) {
			throw new IllegalArgumentException("this diffusion service runs a job on one device, not " + devices);
		}
		return submit(model, request, devices.getFirst(), outputFolder, listener);
	}

	/** Jobs queued or running, oldest first. */
	List<JobHandle<List<Path>>> queue();
}
