package dev.atelier.viewport.internal.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.viewport.scene.Camera;

/**
 * A path-traced render to a PNG as the body of a job, the same for {@code atelier render} and the Viewport's Render:
 * the settings noted for the job's record, the BVH, the passes with progress, then the tone-mapped image (the
 * denoised one when asked for) written through the {@link Outputs} with the same settings in its
 * {@link PngInfo#PARAMETERS} chunk. A cancelled render names and writes no file.
 */
public record RenderJob(String sceneLabel, Camera camera, int width, int height, Settings settings, RenderBackend backend, float exposure) {

	/** Writes the PNG once the image is done, answering its file. */
	@FunctionalInterface
	public interface Target {
		Path write(RgbImage image, Map<String, String> text) throws IOException;

		/** The next numbered file of {@code folder}, labelled with the scene's name: renders never replace one another. */
		static Target numbered(Outputs outputs, Path folder, String sceneName) {
			return (image, text) -> outputs.writeNumbered(folder, sceneName, image, text);
		}

		/** The file the user named, replaced when it exists. */
		static Target file(Outputs outputs, Path file) {
			return (image, text) -> {
				outputs.write(file, image, text);
				return file;
			};
		}
	}

	/** The settings as the job's record and the PNG note them, in order. */
	Map<String, String> parameters() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put(JobHandle.DEVICE, backend.device());
		p.put("scene", sceneLabel);
		p.put("spp", Integer.toString(settings.spp()));
		p.put("bounces", Integer.toString(settings.maxBounces()));
		p.put("denoise", Boolean.toString(settings.denoise()));
		p.put("size", width + "x" + height);
		p.put("seed", Long.toString(settings.seed()));
		return p;
	}

	public RenderResult run(JobContext ctx, Supplier<FlatScene> scene, Target target, ProgressListener listener) throws IOException {
		Map<String, String> parameters = parameters();
		parameters.forEach(ctx::detail);
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
		RgbImage png = Tonemap.toRgbImage(result.denoised() != null ? result.denoised() : result.color(), exposure, Tonemap.Curve.ACES);
		Path file = target.write(png, Map.of(PngInfo.PARAMETERS, parameters.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
				.collect(Collectors.joining(", "))));
		ctx.output(file.toString());
		return result;
	}
}
