package dev.atelier.diffusion.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.swt.widgets.Display;
import org.osgi.service.event.EventHandler;

import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;

/** Stand-ins for the services the views use, and helpers shared by the view tests. */
final class Fakes {

	private Fakes() {
	}

	/** What a fake diffusion job does on its job thread. */
	@FunctionalInterface
	interface Script {
		List<Path> run(JobContext context, GenerationRequest request, GenerationListener listener) throws Exception;
	}

	/** A diffusion service that runs a script as a job of the real job service and remembers what it was asked. */
	static class Diffusion implements DiffusionService {
		final JobService jobs;
		final Path outputs;
		final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
		final List<Path> models = new CopyOnWriteArrayList<>();
		final List<String> devices = new CopyOnWriteArrayList<>();
		/** The threads submit was called on. */
		final List<Thread> submitters = new CopyOnWriteArrayList<>();
		private final List<JobHandle<List<Path>>> queue = new CopyOnWriteArrayList<>();
		volatile Script script = (context, request, listener) -> List.of();

		Diffusion(JobService jobs, Path outputs) {
			this.jobs = jobs;
			this.outputs = outputs;
		}

		@Override
		public Path defaultOutputFolder() {
			return outputs;
		}

		@Override
		public JobHandle<List<Path>> submit(Path model, GenerationRequest request, String device, Path outputFolder, GenerationListener listener) {
			submitters.add(Thread.currentThread());
			requests.add(request);
			models.add(model);
			devices.add(device);
			Script now = script;
			JobHandle<List<Path>> job = jobs.submit("diffusion " + request.width() + "x" + request.height() + "x" + request.batch() + " on " + device,
					context -> now.run(context, request, listener));
			queue.add(job);
			job.result().whenComplete((files, failure) -> queue.remove(job));
			return job;
		}

		@Override
		public List<JobHandle<List<Path>>> queue() {
			return List.copyOf(queue);
		}
	}

	/** An event broker that only records what was sent. */
	static final class Broker implements IEventBroker {
		final List<Object[]> sent = new ArrayList<>();

		@Override
		public boolean send(String topic, Object data) {
			sent.add(new Object[] { topic, data });
			return true;
		}

		@Override
		public boolean post(String topic, Object data) {
			return send(topic, data);
		}

		@Override
		public boolean subscribe(String topic, EventHandler handler) {
			return true;
		}

		@Override
		public boolean subscribe(String topic, String filter, EventHandler handler, boolean headless) {
			return true;
		}

		@Override
		public boolean unsubscribe(EventHandler handler) {
			return true;
		}
	}

	/** Presses the view's Generate and spins the display until the view has queued the job; null where it did not. */
	static JobHandle<List<Path>> generate(DiffusionPart part) {
		CompletableFuture<JobHandle<List<Path>>> queued = part.generate();
		Displays.spinUntil(Display.getCurrent(), queued::isDone);
		return queued.join();
	}

	/** The framework's job service. */
	static JobService jobs() throws InterruptedException {
		return Services.await(Fakes.class, JobService.class);
	}

	static RgbImage solid(int width, int height, int rgb) {
		RgbImage image = new RgbImage(width, height);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRgb(x, y, rgb);
			}
		}
		return image;
	}

	/** Writes a PNG of one colour, with the request's parameters in its "parameters" chunk when there is a request. */
	static Path png(Path file, int width, int height, int rgb, GenerationRequest parameters) throws Exception {
		Map<String, String> text = parameters == null ? Map.of() : Map.of(Infotext.CHUNK, Infotext.of(parameters, 0, "tiny-sd", "").text());
		Files.createDirectories(file.getParent());
		return Files.write(file, PngInfo.encode(solid(width, height, rgb), text));
	}
}
