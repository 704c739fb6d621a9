package dev.atelier.diffusion.internal.pipeline;

import dev.atelier.diffusion.ControlChoice;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.LoraChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;


import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.internal.control.Canny;
import dev.atelier.diffusion.internal.scheduler.NoiseSource;
import dev.atelier.diffusion.internal.scheduler.Scheduler;

/**
 * Text-to-image and image-to-image with classifier-free guidance: the unconditional and conditional halves go
 * through the UNet in one batched call. Every image of a batch draws its noise from its own generator (seed + i),
 * and the VAE decodes each image on its own, so image i of a batch is the image a batch of one with its seed gives.
 */
public final class StableDiffusion {

	/** SD 1.x latent → RGB, a least-squares fit known from the community's "cheap" previews. */
	private static final float[][] PREVIEW = { { 0.298f, 0.207f, 0.208f }, { 0.187f, 0.286f, 0.173f }, { -0.158f, 0.189f, 0.264f },
			{ -0.184f, -0.271f, -0.473f } };

	/** How the last generation spent its denoising loop: wall time and the UNet engine's share of it. */
	public record Timings(int steps, Duration loop, Duration unet) {

		/** The pipeline's own time per step over the engine's: (loop − unet) / unet. */
		public double overhead() {
			return unet.isZero() ? Double.NaN : (loop.toNanos() - unet.toNanos()) / (double) unet.toNanos();
		}
	}

	private final PipelineModel model;
	private final Path loraFolder;
	private static final List<String> CONTROL_EXTENSIONS = List.of(".safetensors", ".pth", ".ckpt");
	private final Path controlFolder;
	private volatile Timings timings = new Timings(0, Duration.ZERO, Duration.ZERO);

	/** A pipeline without a LoRA folder: a prompt's {@code <lora:name>} is refused, LoRA files in the request are used. */
	public StableDiffusion(PipelineModel model) {
		this(model, null);
	}

	/** A pipeline whose prompts' {@code <lora:name:W>} tags name files in {@code loraFolder} (the workspace's models/loras). */
	public StableDiffusion(PipelineModel model, Path loraFolder) {
		this(model, loraFolder, null);
	}

	/** The same, a request's ControlNet given by a bare name taken from {@code controlFolder} (the workspace's models/controlnet). */
	public StableDiffusion(PipelineModel model, Path loraFolder, Path controlFolder) {
		this.model = model;
		this.loraFolder = loraFolder;
		this.controlFolder = controlFolder;
	}

	public PipelineModel model() {
		return model;
	}

	public Timings lastTimings() {
		return timings;
	}

	/**
	 * Generates the request's batch.
	 *
	 * @throws JobCancelledException when {@code cancelled} turns true (checked between steps)
	 * @throws IOException           naming the file when a graph fails or the init image cannot be read
	 */
	public List<GeneratedImage> generate(GenerationRequest r, GenerationListener listener, BooleanSupplier cancelled) throws IOException {
		int batch = r.batch();
		int lh = r.height() / 8;
		int lw = r.width() / 8;
		int channels = model.latentChannels();
		int per = channels * lh * lw;
		PromptLoras.Parsed parsed = PromptLoras.parse(r.prompt(), loraFolder);
		Map<String, String> loraHashes = useLoras(r, parsed);
		Infotext.ControlRun control = useControlNet(r);
		Conditioning context = encodePrompts(r, parsed.prompt(), listener);
		checkCancelled(cancelled);

		TorchRandom[] random = new TorchRandom[batch];
		for (int i = 0; i < batch; i++) {
			random[i] = new TorchRandom(r.seed() + i);
		}
		NoiseSource noise = target -> {
			for (int i = 0; i < batch; i++) {
				random[i].fillNormal(target, i * per, per);
			}
		};
		Scheduler scheduler = model.scheduler(r.sampler(), r.steps());
		boolean inpainting = checkInpainting(r, channels);
		float[] latents = new float[batch * per];
		int start = 0;
		// diffusers' inpainting at full strength starts from noise alone, without encoding the image
		if (r.initImage() != null && !(inpainting && r.strength() == 1)) {
			float[] init = encodeImage(readPixels(r.initImage(), r), r, random, per);
			start = scheduler.startStep(r.strength());
			float[] n = new float[batch * per];
			noise.fill(n);
			scheduler.addNoise(init, n, start, latents);
		} else {
			noise.fill(latents);
			float sigma = (float) scheduler.initNoiseSigma();
			for (int i = 0; i < latents.length; i++) {
				latents[i] *= sigma;
			}
		}
		// the inpainting UNet's extra inputs per image: the mask at latent size, then the masked image's latent
		float[] extra = inpainting ? maskAndMaskedLatent(r, random, per, lh, lw) : null;
		int extraPer = inpainting ? per + lh * lw : 0;

		int rows = r.guided() ? 2 * batch : batch;
		float[] scaled = new float[batch * per];
		float[] input = r.guided() || inpainting ? new float[rows * (per + extraPer)] : scaled;
		float[] eps = new float[batch * per];
		float[] denoised = new float[batch * per];
		Duration unetBefore = model.unetTime();
		long loopStart = System.nanoTime();
		for (int s = start; s < r.steps(); s++) {
			checkCancelled(cancelled);
			scheduler.scaleModelInput(latents, s, scaled);
			if (input != scaled) {
				// per row (unconditional images, then conditional ones): the latent's channels, then the extra inputs
				for (int row = 0; row < rows; row++) {
					int b = row % batch;
					System.arraycopy(scaled, b * per, input, row * (per + extraPer), per);
					if (inpainting) {
						System.arraycopy(extra, b * extraPer, input, row * (per + extraPer) + per, extraPer);
					}
				}
			}
			double controlStrength = control == null ? 0 : r.control().strengthAt(s - start, r.steps() - start);
			float[] out = controlStrength == 0 ? model.predict(input, rows, lh, lw, scheduler.timesteps()[s], context.rows(), context.tokens())
					: model.predict(input, rows, lh, lw, scheduler.timesteps()[s], context.rows(), context.tokens(), controlStrength);
			if (r.guided()) {
				float cfg = (float) r.cfgScale();
				for (int i = 0; i < eps.length; i++) {
					float u = out[i];
					eps[i] = u + cfg * (out[eps.length + i] - u);
				}
			} else {
				System.arraycopy(out, 0, eps, 0, eps.length);
			}
			scheduler.denoised(eps, s, latents, denoised);
			scheduler.step(eps, s, latents, noise);
			listener.step(s - start + 1, r.steps() - start, previews(denoised, batch, channels, lh, lw));
		}
		timings = new Timings(r.steps() - start, Duration.ofNanos(System.nanoTime() - loopStart), model.unetTime().minus(unetBefore));

		List<GeneratedImage> images = new ArrayList<>();
		String hash = model.hash();
		for (int i = 0; i < batch; i++) {
			checkCancelled(cancelled);
			float[] z = new float[per];
			for (int k = 0; k < per; k++) {
				z[k] = (float) (latents[i * per + k] / model.scalingFactor());
			}
			images.add(new GeneratedImage(decode(z, channels, lh, lw, r.tileVae()), r.seed() + i, Infotext.of(r, i, model.name(), hash, loraHashes, control)));
		}
		return images;
	}

	/**
	 * Merges the request's LoRA files and the prompt's tags (every generation says which, so one without LoRAs runs on
	 * the model's own weights); their AUTOMATIC1111 hashes by name.
	 */
	private Map<String, String> useLoras(GenerationRequest r, PromptLoras.Parsed parsed) throws IOException {
		List<LoraUse> uses = new ArrayList<>();
		for (LoraChoice l : r.loras()) {
			uses.add(new LoraUse(l.name(), l.file(), l.weight(), l.weight()));
		}
		for (PromptLoras.Tag t : parsed.loras()) {
			uses.add(new LoraUse(t.name(), t.file(), t.textWeight(), t.unetWeight()));
		}
		model.useLoras(uses);
		Map<String, String> hashes = new LinkedHashMap<>();
		for (LoraUse use : uses) {
			hashes.put(use.name(), ModelHash.ofSafetensorsData(use.file()));
		}
		return hashes;
	}

	/**
	 * Puts the request's ControlNet (or none) into the model with its control image: cropped to the generation's aspect
	 * and resized to its size (AUTOMATIC1111's "Crop and Resize"), through canny where asked, as planes in [0, 1]. What
	 * the infotext records of it, or null without one.
	 */
	private Infotext.ControlRun useControlNet(GenerationRequest r) throws IOException {
		ControlChoice c = r.control();
		if (c == null) {
			model.useControlNet(null, null);
			return null;
		}
		Path file = NamedFiles.find(c.model(), controlFolder, CONTROL_EXTENSIONS, "ControlNet");
		RgbImage image = readImage(c.image());
		// the resolution the preprocessor ran at: the image's short side once it covers the generation (pixel perfect)
		double cover = Math.max((double) r.width() / image.width(), (double) r.height() / image.height());
		int processorRes = (int) Math.round(cover * Math.min(image.width(), image.height()));
		image = cropAndResize(image, r.width(), r.height());
		if (c.canny()) {
			image = Canny.edges(image, ControlChoice.CANNY_LOW, ControlChoice.CANNY_HIGH);
		}
		model.useControlNet(file, planes(image, 255f, 0));
		return new Infotext.ControlRun(ModelHash.of(List.of(file)).substring(0, 8), processorRes);
	}

	/** The middle of {@code image} at the aspect of {@code w × h}, resized to it. */
	static RgbImage cropAndResize(RgbImage image, int w, int h) {
		double scale = Math.max((double) w / image.width(), (double) h / image.height());
		int cw = Math.clamp(Math.round(w / scale), 1, image.width());
		int ch = Math.clamp(Math.round(h / scale), 1, image.height());
		int x0 = (image.width() - cw) / 2;
		int y0 = (image.height() - ch) / 2;
		RgbImage cropped = new RgbImage(cw, ch);
		for (int y = 0; y < ch; y++) {
			System.arraycopy(image.pixels(), (y0 + y) * image.width() + x0, cropped.pixels(), y * cw, cw);
		}
		return cropped.width() == w && cropped.height() == h ? cropped : cropped.scaled(w, h);
	}

	private static void checkCancelled(BooleanSupplier cancelled) {
		if (cancelled.getAsBoolean()) {
			throw new JobCancelledException();
		}
	}

	/** Conditioning rows, one per UNet input, each of {@code tokens} text states and the model's extras. */
	private record Conditioning(float[] rows, int tokens) {
	}

	/**
	 * Unconditional then conditional conditioning rows, each repeated for the batch: [2B or B][row]. As AUTOMATIC1111
	 * does, the shorter of prompt and negative prompt is padded with the empty prompt's chunk, so that both have as many
	 * tokens.
	 */
	private Conditioning encodePrompts(GenerationRequest r, String prompt, GenerationListener listener) throws IOException {
		ClipTokenizer tokenizer = model.tokenizer();
		List<ClipTokenizer.Chunk> cond = fit(tokenizer.chunks(prompt), "prompt", listener);
		List<List<ClipTokenizer.Chunk>> prompts = List.of(cond);
		if (r.guided()) {
			List<ClipTokenizer.Chunk> uncond = fit(tokenizer.chunks(r.negativePrompt()), "negative prompt", listener);
			ClipTokenizer.Chunk empty = tokenizer.chunks("").getFirst();
			while (uncond.size() < cond.size()) {
				uncond.add(empty);
			}
			while (cond.size() < uncond.size()) {
				cond.add(empty);
			}
			prompts = List.of(uncond, cond);
		}
		int n = prompts.size();
		float[][] rows = new float[n][];
		for (int p = 0; p < n; p++) {
			rows[p] = model.encodeText(prompts.get(p));
		}
		if (r.guided() && r.negativePrompt().isEmpty() && model.zerosForEmptyNegativePrompt()) {
			Arrays.fill(rows[0], 0f);
		}
		int one = rows[0].length;
		float[] context = new float[one * n * r.batch()];
		for (int p = 0; p < n; p++) {
			for (int b = 0; b < r.batch(); b++) {
				System.arraycopy(rows[p], 0, context, (p * r.batch() + b) * one, one);
			}
		}
		return new Conditioning(context, cond.size() * ClipTokenizer.LENGTH);
	}

	/** The chunks the model takes, the rest dropped with a warning (an ONNX UNet of a fixed sequence length). */
	private List<ClipTokenizer.Chunk> fit(List<ClipTokenizer.Chunk> chunks, String what, GenerationListener listener) {
		int max = model.maxChunks();
		if (chunks.size() <= max) {
			return new ArrayList<>(chunks);
		}
		int over = chunks.subList(max, chunks.size()).stream().mapToInt(ClipTokenizer.Chunk::tokens).sum();
		listener.warning("the " + what + " is " + over + " token(s) over this model's limit of " + max * ClipTokenizer.CHUNK_TOKENS + "; they were dropped");
		return new ArrayList<>(chunks.subList(0, max));
	}

	/**
	 * Whether the request inpaints: a mask and a UNet that takes it (latent, mask and masked latent: 2·channels + 1).
	 * Either one without the other is refused.
	 */
	private boolean checkInpainting(GenerationRequest r, int channels) throws IOException {
		int unet = model.unetInChannels();
		boolean inpaintingModel = unet == 2 * channels + 1;
		if (r.mask() != null && !inpaintingModel) {
			throw new IOException(model.name() + ": a mask needs an inpainting model (its UNet takes " + (2 * channels + 1) + " channels; this one takes "
					+ unet + ")");
		}
		if (r.mask() == null && inpaintingModel) {
			throw new IOException(model.name() + " is an inpainting model: give the image to repaint and its mask (--init IMAGE --mask MASK)");
		}
		return inpaintingModel;
	}

	/** An image at the request's size as PyTorch planes [3][height][width], values in [−1, 1]. */
	private static float[] readPixels(Path file, GenerationRequest r) throws IOException {
		RgbImage image = readImage(file);
		if (image.width() != r.width() || image.height() != r.height()) {
			image = image.scaled(r.width(), r.height());
		}
		return planes(image, 127.5f, -1);
	}

	/** An image as PyTorch planes [3][height][width] of {@code value / divisor + offset}. */
	private static float[] planes(RgbImage image, float divisor, float offset) {
		int w = image.width();
		int h = image.height();
		float[] pixels = new float[3 * w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int rgb = image.rgb(x, y);
				for (int c = 0; c < 3; c++) {
					pixels[c * w * h + y * w + x] = ((rgb >> (16 - 8 * c)) & 0xff) / divisor + offset;
				}
			}
		}
		return pixels;
	}

	/**
	 * diffusers' inpainting inputs, per image of the batch: the mask (grey as PIL's "L", binarised at one half: 1
	 * repaints) sampled at each latent pixel's top-left image pixel (F.interpolate's nearest), then the latent of the
	 * image with the repainted area zeroed, drawn from each image's generator after its noise.
	 */
	private float[] maskAndMaskedLatent(GenerationRequest r, TorchRandom[] random, int per, int lh, int lw) throws IOException {
		float[] pixels = readPixels(r.initImage(), r);
		RgbImage mask = readImage(r.mask());
		if (mask.width() != r.width() || mask.height() != r.height()) {
			mask = mask.scaled(r.width(), r.height());
		}
		int w = r.width();
		int plane = w * r.height();
		boolean[] repaint = new boolean[plane];
		for (int i = 0; i < plane; i++) {
			int rgb = mask.pixels()[i];
			// PIL's ITU-R 601-2 luma in 16-bit fixed point, rounded
			int grey = (((rgb >> 16) & 0xff) * 19595 + ((rgb >> 8) & 0xff) * 38470 + (rgb & 0xff) * 7471 + 0x8000) >> 16;
			repaint[i] = grey / 255f >= 0.5f;
			if (repaint[i]) {
				for (int c = 0; c < 3; c++) {
					pixels[c * plane + i] = 0;
				}
			}
		}
		float[] masked = encodeImage(pixels, r, random, per);
		int extraPer = per + lh * lw;
		float[] extra = new float[r.batch() * extraPer];
		for (int b = 0; b < r.batch(); b++) {
			for (int y = 0; y < lh; y++) {
				for (int x = 0; x < lw; x++) {
					extra[b * extraPer + y * lw + x] = repaint[y * 8 * w + x * 8] ? 1 : 0;
				}
			}
			System.arraycopy(masked, b * per, extra, b * extraPer + lh * lw, per);
		}
		return extra;
	}

	/** An image ([3][height][width] in [−1, 1]) in latent space, scaled, once per image of the batch. */
	private float[] encodeImage(float[] pixels, GenerationRequest r, TorchRandom[] random, int per) throws IOException {
		float[] latent = r.tileVae() ? new VaeTiles(VaeTiles.TILE, VaeTiles.OVERLAP).encode(model::encodeImage, pixels, r.height(), r.width(), 8)
				: model.encodeImage(pixels, r.height(), r.width());
		boolean gaussian = latent.length == 2 * per;
		float[] init = new float[r.batch() * per];
		float[] draw = new float[per];
		for (int b = 0; b < r.batch(); b++) {
			if (gaussian) {
				// mean and log-variance: a sample from the image's own generator, as diffusers' latent_dist.sample
				random[b].fillNormal(draw, 0, per);
				for (int k = 0; k < per; k++) {
					double logvar = Math.clamp(latent[per + k], -30.0, 20.0);
					init[b * per + k] = (float) ((latent[k] + Math.exp(0.5 * logvar) * draw[k]) * model.scalingFactor());
				}
			} else {
				for (int k = 0; k < per; k++) {
					init[b * per + k] = (float) (latent[k] * model.scalingFactor());
				}
			}
		}
		return init;
	}

	/** An init image is scaled to at most 4096×4096; more than this many pixels is refused before it is decoded. */
	public static final long MAX_INIT_PIXELS = 8192L * 8192;

	/**
	 * Reads an image; errors name the file. Its size is read from its header first, so that a small file that unpacks
	 * to gigabytes (a decompression bomb) is refused before it is decoded.
	 */
	public static RgbImage readImage(Path file) throws IOException {
		return Images.read(file, MAX_INIT_PIXELS);
	}

	private RgbImage decode(float[] z, int channels, int lh, int lw, boolean tiled) throws IOException {
		int h = lh * 8;
		int w = lw * 8;
		float[] x = tiled ? new VaeTiles(VaeTiles.TILE, VaeTiles.OVERLAP).decode(model::decode, z, channels, lh, lw, 8) : model.decode(z, lh, lw);
		RgbImage image = new RgbImage(w, h);
		int plane = w * h;
		int[] rgb = image.pixels();
		for (int i = 0; i < plane; i++) {
			rgb[i] = (to8(x[i]) << 16) | (to8(x[plane + i]) << 8) | to8(x[2 * plane + i]);
		}
		return image;
	}

	private static int to8(float v) {
		return Math.round(Math.clamp((v + 1) / 2, 0f, 1f) * 255);
	}

	private static List<RgbImage> previews(float[] latents, int batch, int channels, int lh, int lw) {
		List<RgbImage> previews = new ArrayList<>(batch);
		int plane = lh * lw;
		for (int b = 0; b < batch; b++) {
			RgbImage image = new RgbImage(lw, lh);
			int[] rgb = image.pixels();
			int base = b * channels * plane;
			for (int i = 0; i < plane; i++) {
				int pixel = 0;
				for (int c = 0; c < 3; c++) {
					float v = 0;
					if (channels == PREVIEW.length) {
						for (int k = 0; k < channels; k++) {
							v += latents[base + k * plane + i] * PREVIEW[k][c];
						}
					} else {
						v = latents[base + i];
					}
					pixel = (pixel << 8) | to8(v);
				}
				rgb[i] = pixel;
			}
			previews.add(image);
		}
		return previews;
	}
}
