package dev.atelier.viewport.trace;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.viewport.scene.Camera;

/**
 * A path-traced render to a PNG as the body of a job, the same for {@code atelier render} and the Viewport's Render:
 * the settings noted for the job's record, the BVH, the passes with progress, then the tone-mapped image (the
 * denoised one when asked for) written atomically. A cancelled render names and writes no file.
 */
public record RenderJob(String sceneLabel, Camera camera, int width, int height, Settings settings, RenderBackend backend, float exposure) {

	/** Names the PNG once the image is done. */
	@FunctionalInterface
	public interface Target {
		Path file() throws IOException;
	}

	public RenderResult run(JobContext ctx, Supplier<FlatScene> scene, Target target, ProgressListener listener) throws IOException {
		ctx.detail(JobHandle.DEVICE, backend.device());
		ctx.detail("scene", sceneLabel);
		ctx.detail("spp", Integer.toString(settings.spp()));
		ctx.detail("bounces", Integer.toString(settings.maxBounces()));
		ctx.detail("denoise", Boolean.toString(settings.denoise()));
		ctx.detail("size", width + "x" + height);
		ctx.detail("seed", Long.toString(settings.seed()));
		ctx.begin("building the BVH", -1);
		FlatScene flat = scene.get();
		ctx.begin("tracing on " + backend.device(), settings.spp());
		int[] reported = { 0 };
		RenderResult result = backend.render(flat, camera, width, height, settings, (progress, film) -> {
			// the CUDA backend reports batches of passes
			ctx.worked(progress.samples() - reported[0]);
			reported[0] = progress.samples();
			listener.passCompleted(progress, film);
		}, ctx::isCancelled);
		if (result.stop() == RenderResult.Stop.CANCELLED) {
			throw new JobCancelledException();
		}
		ctx.begin("writing the PNG", -1);
		BufferedImage png = Tonemap.toBufferedImage(result.denoised() != null ? result.denoised() : result.color(), exposure, Tonemap.Curve.ACES);
		Path file = target.file();
		AtomicFiles.write(file, out -> {
			if (!ImageIO.write(png, "png", out)) {
				throw new IOException("no PNG writer available for " + file);
			}
		});
		ctx.output(file.toString());
		return result;
	}
}
