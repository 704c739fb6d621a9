package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobState;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.outputs.PngDecoder;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.server.ApiException;
import dev.atelier.server.Jobs;
import dev.atelier.server.ServerContext;

/**
 * One server's image requests: each becomes jobs of the diffusion queue — the IDE's and the CLI's, one lane per
 * device — one job per iteration, and waits for them; the running one is what A1111's progress and interrupt see.
 * The images come back as the PNG files the queue wrote, with their {@code parameters} text; files that were not to
 * be saved, and control images, go to a folder of the request's own that is deleted afterwards. The init image and
 * mask of images that are saved stay in the workspace's {@code outputs/inputs}, which their text names (so that the
 * Gallery's Reuse finds them), each image once, by its SHA-256.
 */
final class ImageJobs implements AutoCloseable {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

	private final DiffusionService diffusion;
	private final ServerContext server;
	private final Checkpoints checkpoints;
	private final List<Run> runs = new CopyOnWriteArrayList<>();
	/** A1111's sd_model_checkpoint: the model of requests that name none; null for the first one listed. */
	private volatile String chosen;

	/**
	 * What a request asks for: {@code iterations} batches of {@code request} (A1111's n_iter × batch_size), the
	 * first with its seed, each next one's seeds following on; {@code initImage} the bytes of an image to start from, {@code mask}
	 * (a PNG, or null) where to repaint it, {@code control} a ControlNet with its control image's bytes, or null.
	 */
	record Ask(String kind, Checkpoints.Checkpoint model, GenerationRequest request, byte[] initImage, byte[] mask, Scripts.ControlUnit control, int iterations,
			boolean save) {
	}

	/** One image made: its PNG file's bytes (the parameters text in it), its seed and that text. */
	record Image(byte[] png, long seed, String infotext) {
	}

	/** A request being answered: its jobs and how far the running one is. */
	static final class Run {
		final Ask ask;
		final String timestamp = LocalDateTime.now().format(TIMESTAMP);
		final long started = System.nanoTime();
		final List<JobHandle<List<Path>>> jobs = new CopyOnWriteArrayList<>();
		volatile int done;
		volatile int step;
		volatile int steps;
		volatile RgbImage preview;
		volatile boolean interrupted;

		Run(Ask ask) {
			this.ask = ask;
		}

		boolean running() {
			return jobs.stream().anyMatch(j -> j.state() == JobState.RUNNING);
		}

		void interrupt() {
			interrupted = true;
			jobs.forEach(JobHandle::cancel);
		}
	}

	ImageJobs(DiffusionService diffusion, ServerContext server) {
		this.diffusion = diffusion;
		this.server = server;
		this.checkpoints = new Checkpoints(server.models().resolve("checkpoints"));
	}

	Checkpoints checkpoints() {
		return checkpoints;
	}

	ServerContext server() {
		return server;
	}

	/** The model of requests that name none. */
	Checkpoints.Checkpoint current() throws ApiException {
		return checkpoints.current(chosen);
	}

	void choose(String name) throws ApiException {
		chosen = checkpoints.find(name, "sd_model_checkpoint").name();
	}

	/** The request whose job runs now, if one of this server's does. */
	Optional<Run> running() {
		return runs.stream().filter(Run::running).findFirst();
	}

	/**
	 * Makes the images, waiting for the jobs; the client going away cancels them, an interrupt ends them early with
	 * the images of the iterations done by then. 429 where the diffusion queue is full, 400 where the device cannot
	 * take the request.
	 */
	List<Image> generate(Ask ask, BooleanSupplier clientGone) throws ApiException {
		int queued = diffusion.queue().size();
		if (queued > server.limits().queue()) {
			throw new ApiException(429, queued + " image jobs are queued already (--queue " + server.limits().queue() + "); try again later");
		}
		Run run = new Run(ask);
		Path work = null;
		runs.add(run);
		try {
			work = Files.createTempDirectory("atelier-serve-");
			// null: the queue's default folder, the workspace's outputs
			Path folder = ask.save() ? null : work;
			GenerationRequest request = ask.request();
			// images not saved leave nothing in the workspace, as A1111's save_images false
			Path inputs = ask.save() ? Outputs.ofWorkspace(new AtelierPaths(server.workspace())).folder(Outputs.INPUTS) : work;
			if (ask.initImage() != null) {
				request = request.withInit(keep(inputs, ask.initImage()), request.strength());
			}
			if (ask.mask() != null) {
				request = request.withMask(keep(inputs, ask.mask()));
			}
			if (ask.control() != null) {
				request = request.withControl(ask.control().choice(Files.write(work.resolve("control.img"), ask.control().image())));
			}
			GenerationListener listener = new GenerationListener() {
				@Override
				public void step(int step, int steps, List<RgbImage> previews) {
					run.step = step;
					run.steps = steps;
					run.preview = previews.isEmpty() ? null : previews.getFirst();
				}
			};
			for (int i = 0; i < ask.iterations(); i++) {
				GenerationRequest iteration = request.withSeed(request.seed() + (long) i * request.batch());
				try {
					run.jobs.add(diffusion.submit(ask.model().path(), iteration, server.deviceId(), folder, listener));
				} catch (IllegalArgumentException e) {
					throw new ApiException(400, e.getMessage());
				}
			}
			List<Image> images = new ArrayList<>();
			for (JobHandle<List<Path>> job : run.jobs) {
				List<Path> files;
				try {
					files = Jobs.await(job, clientGone);
				} catch (ApiException e) {
					if (run.interrupted) {
						break;
					}
					throw e;
				}
				for (Path file : files) {
					images.add(read(file));
				}
				run.done++;
				run.step = 0;
			}
			return images;
		} catch (IOException e) {
			throw new ApiException(500, "cannot keep the request's images: " + e.getMessage());
		} finally {
			runs.remove(run);
			run.jobs.forEach(JobHandle::cancel);
			if (work != null) {
				delete(work);
			}
		}
	}

	/**
	 * The image as a file of {@code folder} named by its bytes' SHA-256 and its format ({@code <sha256>.png}): written
	 * whole (beside it, then linked in) where the folder does not have it yet, else the file it has.
	 */
	private static Path keep(Path folder, byte[] image) throws IOException {
		Path file = folder.resolve(HexFormat.of().formatHex(sha256(image)) + extension(image));
		if (Files.isRegularFile(file)) {
			return file;
		}
		Path temp = AtomicFiles.writeTemp(file, out -> out.write(image));
		try {
			// another request that sent the same image may have linked it in first: the same bytes
			AtomicFiles.commitNew(temp, file);
			return file;
		} finally {
			Files.deleteIfExists(temp);
		}
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java runtime has SHA-256", e);
		}
	}

	/** The file name extension of the formats a request's images come in ({@link ImageFields#image}). */
	private static String extension(byte[] image) {
		if (PngDecoder.isPng(image)) {
			return ".png";
		}
		if (Images.isJpeg(image)) {
			return ".jpg";
		}
		String start = new String(image, 0, Math.min(image.length, 4), StandardCharsets.ISO_8859_1);
		return start.startsWith("GIF8") ? ".gif" : start.startsWith("BM") ? ".bmp" : ".img";
	}

	private static Image read(Path file) throws IOException {
		String text = PngInfo.read(file).getOrDefault(Infotext.CHUNK, "");
		long seed = Long.parseLong(Infotext.parse(text).settings().getOrDefault("Seed", "-1"));
		return new Image(Files.readAllBytes(file), seed, text);
	}

	private static void delete(Path folder) {
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(f);
			}
		} catch (IOException e) {
			System.getLogger(ImageJobs.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + folder + ": " + e.getMessage());
		}
	}

	/** The server stops: running and queued requests are cancelled. */
	@Override
	public void close() {
		runs.forEach(Run::interrupt);
	}
}
