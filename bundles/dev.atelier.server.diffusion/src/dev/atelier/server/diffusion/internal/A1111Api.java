package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;


import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;
import dev.atelier.server.JsonFields;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;

/**
 * AUTOMATIC1111's API ({@code modules/api/api.py}, {@code models.py}) over the diffusion queue: {@code POST
 * /sdapi/v1/txt2img} and {@code img2img} with its field names and sampler names, answered with base64 PNGs that carry
 * the {@code parameters} text, the request echoed and {@code info} as a JSON string; {@code GET progress} (with the
 * running job's preview), {@code POST interrupt}, {@code GET sd-models} (a checkpoint file's sha256 and short hash
 * once hashed, {@link FileHashes}), {@code loras} ({@link Loras}), {@code sd-vae}, {@code samplers}, {@code GET}/{@code POST options} for the checkpoint; img2img's
 * inpainting fields as {@link Inpainting} says; {@code override_settings.sd_vae} (a name in the models folder's
 * {@code vae/}), and the ControlNet and Tiled VAE extensions' {@code alwayson_scripts} as {@link Scripts} says. Errors as A1111 answers them: {@code error}, {@code detail}, {@code body},
 * {@code errors}.
 */
record A1111Api(ImageJobs images, FileHashes hashes) implements ServerApi {

	/** A1111's request defaults (StableDiffusionProcessing's and the API's). */
	private static final int STEPS = 50;
	private static final double CFG = 7.0;
	private static final int SIZE = 512;
	private static final double DENOISING = 0.75;
	private static final Sampler SAMPLER = Sampler.EULER;

	@Override
	public String prefix() {
		return "/sdapi/v1/";
	}

	@Override
	public void handle(Exchange exchange) throws ApiException, IOException {
		switch (exchange.method() + " " + exchange.path()) {
			case "POST /sdapi/v1/txt2img" -> generate(exchange, false);
			case "POST /sdapi/v1/img2img" -> generate(exchange, true);
			case "GET /sdapi/v1/progress" -> exchange.send(200, progress());
			case "POST /sdapi/v1/interrupt" -> {
				images.running().ifPresent(ImageJobs.Run::interrupt);
				exchange.send(200, new JsonObject());
			}
			case "GET /sdapi/v1/sd-models" -> exchange.send(200, models());
			case "GET /sdapi/v1/loras" -> exchange.send(200, Loras.list(images.server().models().resolve("loras")));
			case "GET /sdapi/v1/sd-vae" -> exchange.send(200, vaes());
			case "GET /sdapi/v1/samplers" -> exchange.send(200, samplers());
			case "GET /sdapi/v1/options" -> exchange.send(200, options());
			case "POST /sdapi/v1/options" -> {
				JsonFields options = new JsonFields(exchange.json());
				Optional<String> checkpoint = options.string("sd_model_checkpoint");
				if (checkpoint.isPresent()) {
					images.choose(checkpoint.get());
				}
				exchange.send(200, JsonNull.INSTANCE);
			}
			default -> throw new ApiException(404, "no endpoint " + exchange.method() + " " + exchange.path());
		}
	}

	/** Cancels this server's image jobs (the other image API's too: they share them). */
	@Override
	public void close() {
		hashes.close();
		images.close();
	}

	@Override
	public JsonObject error(ApiException problem) {
		JsonObject body = new JsonObject();
		body.addProperty("error", "HTTPException");
		body.addProperty("detail", problem.getMessage());
		body.addProperty("body", "");
		body.addProperty("errors", problem.getMessage());
		return body;
	}

	/** A sampler by A1111's name ({@code Euler a}) or our command line's ({@code euler_a}); 400 naming it otherwise. */
	static Sampler sampler(String name, String param) throws ApiException {
		try {
			return Sampler.parse(name);
		} catch (IllegalArgumentException unknown) {
			throw new ApiException(400, "sampler '" + name + "' is not one of this server's: "
					+ Arrays.stream(Sampler.values()).map(Sampler::displayName).collect(Collectors.joining(", ")), param);
		}
	}

	private void generate(Exchange exchange, boolean img2img) throws ApiException, IOException {
		Limits limits = images.server().limits();
		JsonFields f = new JsonFields(exchange.json());
		String prompt = ImageFields.prompt(f, "prompt", limits);
		String negative = ImageFields.prompt(f, "negative_prompt", limits);
		long seed = ImageFields.seed(f, "seed");
		int steps = ImageFields.steps(f, "steps", STEPS, limits);
		double cfg = f.number("cfg_scale", CFG, 0, 100);
		int width = ImageFields.side(f, "width", (int) f.integer("width", SIZE, 1, Integer.MAX_VALUE), limits);
		int height = ImageFields.side(f, "height", (int) f.integer("height", SIZE, 1, Integer.MAX_VALUE), limits);
		int batch = (int) f.integer("batch_size", 1, 1, GenerationRequest.MAX_BATCH);
		int iterations = (int) f.integer("n_iter", 1, 1, Integer.MAX_VALUE);
		ImageFields.images(f, "n_iter", (long) batch * iterations, limits);
		String samplerField = f.has("sampler_name") ? "sampler_name" : "sampler_index";
		Sampler sampler = f.has(samplerField) ? sampler(f.required(samplerField), samplerField) : SAMPLER;
		JsonFields overrides = f.object("override_settings");
		Optional<String> named = overrides.string("sd_model_checkpoint");
		Checkpoints.Checkpoint model = named.isPresent() ? images.checkpoints().find(named.get(), "override_settings.sd_model_checkpoint") : images.current();
		// A1111's Automatic (a VAE named as the checkpoint) is the checkpoint's own here, as None is
		Optional<String> vae = overrides.string("sd_vae").filter(v -> !v.equals("Automatic") && !v.equals("None"));
		Path vaeFile = vae.isPresent() ? NamedModels.vaes(images.server().models()).find(vae.get(), "override_settings.sd_vae") : null;
		Optional<Scripts.ControlUnit> control = Scripts.controlNet(f, NamedModels.controlNets(images.server().models()), MAX_INIT_PIXELS);
		boolean tiledVae = Scripts.tiledVae(f);
		byte[] init = null;
		byte[] mask = null;
		double strength = DENOISING;
		if (img2img) {
			init = initImage(f);
			strength = f.number("denoising_strength", DENOISING, Double.MIN_VALUE, 1);
			mask = Inpainting.mask(f, MAX_INIT_PIXELS).orElse(null);
		}
		GenerationRequest request;
		try {
			request = new GenerationRequest(prompt, negative, sampler, steps, cfg, seed, width, height, batch, null, strength).withVae(vaeFile)
					.withTileVae(tiledVae);
		} catch (IllegalArgumentException e) {
			throw new ApiException(400, e.getMessage());
		}
		boolean send = f.bool("send_images", true);
		List<ImageJobs.Image> made = images.generate(new ImageJobs.Ask(img2img ? "img2img" : "txt2img", model, request, init, mask, control.orElse(null),
				iterations, f.bool("save_images", false)), exchange::cancelled);
		JsonArray encoded = new JsonArray();
		if (send) {
			made.forEach(image -> encoded.add(Base64.getEncoder().encodeToString(image.png())));
		}
		JsonObject body = new JsonObject();
		body.add("images", encoded);
		body.add("parameters", parameters(f, request, iterations, sampler, img2img));
		body.addProperty("info", info(request, model, made, img2img).toString());
		exchange.send(200, body);
	}

	/** As the diffusion engine's limit for init images: larger ones are refused from their header. */
	private static final long MAX_INIT_PIXELS = 8192L * 8192;

	/** The one init image, as PNG, JPEG, BMP or GIF bytes (a {@code data:} URL's or plain base64). */
	private static byte[] initImage(JsonFields f) throws ApiException {
		JsonElement list = f.raw("init_images").orElseThrow(() -> new ApiException(400, "'init_images' is missing: img2img needs an image", "init_images"));
		if (!list.isJsonArray() || list.getAsJsonArray().size() != 1 || !(list.getAsJsonArray().get(0) instanceof JsonPrimitive p && p.isString())) {
			throw f.wrong("init_images", "an array of one base64 image");
		}
		return ImageFields.image(f, "init_images[0]", list.getAsJsonArray().get(0).getAsString(), MAX_INIT_PIXELS);
	}

	/** The request as A1111 echoes it: every field with its value or default, the given ones as given, no init images or mask. */
	private static JsonObject parameters(JsonFields f, GenerationRequest r, int iterations, Sampler sampler, boolean img2img) {
		JsonObject echo = new JsonObject();
		echo.addProperty("prompt", r.prompt());
		echo.addProperty("negative_prompt", r.negativePrompt());
		echo.addProperty("seed", -1);
		echo.addProperty("sampler_name", sampler.displayName());
		echo.addProperty("batch_size", r.batch());
		echo.addProperty("n_iter", iterations);
		echo.addProperty("steps", r.steps());
		echo.addProperty("cfg_scale", r.cfgScale());
		echo.addProperty("width", r.width());
		echo.addProperty("height", r.height());
		echo.add("override_settings", new JsonObject());
		echo.addProperty("send_images", true);
		echo.addProperty("save_images", false);
		if (img2img) {
			echo.addProperty("denoising_strength", r.strength());
		}
		f.json().entrySet().forEach(e -> echo.add(e.getKey(), e.getValue()));
		if (img2img) {
			echo.add("init_images", JsonNull.INSTANCE);
			echo.add("mask", JsonNull.INSTANCE);
		}
		return echo;
	}

	/** What A1111's {@code Processed.js()} tells of the images made. */
	private JsonObject info(GenerationRequest r, Checkpoints.Checkpoint model, List<ImageJobs.Image> made, boolean img2img) {
		JsonObject info = new JsonObject();
		info.addProperty("prompt", r.prompt());
		info.add("all_prompts", repeat(new JsonPrimitive(r.prompt()), made.size()));
		info.addProperty("negative_prompt", r.negativePrompt());
		info.add("all_negative_prompts", repeat(new JsonPrimitive(r.negativePrompt()), made.size()));
		info.addProperty("seed", r.seed());
		JsonArray seeds = new JsonArray();
		JsonArray texts = new JsonArray();
		for (ImageJobs.Image image : made) {
			seeds.add(image.seed());
			texts.add(image.infotext());
		}
		info.add("all_seeds", seeds);
		info.addProperty("width", r.width());
		info.addProperty("height", r.height());
		info.addProperty("sampler_name", r.sampler().displayName());
		info.addProperty("cfg_scale", r.cfgScale());
		info.addProperty("steps", r.steps());
		info.addProperty("batch_size", r.batch());
		info.addProperty("restore_faces", false);
		info.addProperty("sd_model_name", model.name());
		info.add("sd_model_hash", JsonNull.INSTANCE);
		info.add("denoising_strength", img2img ? new JsonPrimitive(r.strength()) : JsonNull.INSTANCE);
		info.add("extra_generation_params", new JsonObject());
		info.addProperty("index_of_first_image", 0);
		info.add("infotexts", texts);
		info.add("styles", new JsonArray());
		info.addProperty("clip_skip", 1);
		info.addProperty("is_using_inpainting_conditioning", false);
		info.addProperty("version", "atelier " + images.server().version());
		return info;
	}

	private static JsonArray repeat(JsonElement e, int n) {
		JsonArray a = new JsonArray();
		for (int i = 0; i < n; i++) {
			a.add(e);
		}
		return a;
	}

	/**
	 * A1111's progress of the running request: 0.01 at its start, then its iterations and the running one's steps;
	 * the preview is the running step's cheap one (1/8 of the image's size). Idle: 0 and a job count of 0.
	 */
	private JsonObject progress() throws IOException {
		Optional<ImageJobs.Run> running = images.running();
		JsonObject state = new JsonObject();
		state.addProperty("skipped", false);
		state.addProperty("interrupted", running.map(r -> r.interrupted).orElse(false));
		state.addProperty("stopping_generation", false);
		state.addProperty("job", running.map(r -> r.ask.kind()).orElse(""));
		state.addProperty("job_count", running.map(r -> r.ask.iterations()).orElse(0));
		state.addProperty("job_timestamp", running.map(r -> r.timestamp).orElse("0"));
		state.addProperty("job_no", running.map(r -> r.done).orElse(0));
		state.addProperty("sampling_step", running.map(r -> r.step).orElse(0));
		state.addProperty("sampling_steps", running.map(r -> r.steps).orElse(0));
		JsonObject body = new JsonObject();
		double progress = 0;
		double eta = 0;
		RgbImage preview = null;
		if (running.isPresent()) {
			ImageJobs.Run run = running.get();
			int count = run.ask.iterations();
			progress = 0.01 + (double) run.done / count + (run.steps > 0 ? (double) run.step / run.steps / count : 0);
			double elapsed = (System.nanoTime() - run.started) / 1e9;
			eta = elapsed / progress - elapsed;
			progress = Math.min(progress, 1);
			preview = run.preview;
		}
		body.addProperty("progress", progress);
		body.addProperty("eta_relative", eta);
		body.add("state", state);
		body.add("current_image", preview == null ? JsonNull.INSTANCE : new JsonPrimitive(Base64.getEncoder().encodeToString(PngInfo.encode(preview, Map.of()))));
		body.add("textinfo", JsonNull.INSTANCE);
		return body;
	}

	private JsonArray models() throws ApiException {
		JsonArray list = new JsonArray();
		for (Checkpoints.Checkpoint c : images.checkpoints().list()) {
			JsonObject model = new JsonObject();
			model.addProperty("title", c.name());
			model.addProperty("model_name", c.name());
			Optional<String> sha256 = hashes.sha256(c.path());
			model.add("hash", sha256.map(h -> (JsonElement) new JsonPrimitive(FileHashes.shortHash(h))).orElse(JsonNull.INSTANCE));
			model.add("sha256", sha256.map(h -> (JsonElement) new JsonPrimitive(h)).orElse(JsonNull.INSTANCE));
			model.addProperty("filename", c.path().toString());
			model.add("config", JsonNull.INSTANCE);
			list.add(model);
		}
		return list;
	}

	/** A1111's {@code GET /sdapi/v1/sd-vae}: the models folder's {@code vae/} files, by the names {@code sd_vae} takes. */
	private JsonArray vaes() throws ApiException {
		JsonArray list = new JsonArray();
		for (Path file : NamedModels.vaes(images.server().models()).list()) {
			JsonObject vae = new JsonObject();
			vae.addProperty("model_name", file.getFileName().toString());
			vae.addProperty("filename", file.toString());
			list.add(vae);
		}
		return list;
	}

	private static JsonArray samplers() {
		JsonArray list = new JsonArray();
		for (Sampler s : Sampler.values()) {
			JsonObject sampler = new JsonObject();
			sampler.addProperty("name", s.displayName());
			JsonArray aliases = new JsonArray();
			aliases.add(s.cliName());
			sampler.add("aliases", aliases);
			sampler.add("options", new JsonObject());
			list.add(sampler);
		}
		return list;
	}

	/** The options this server has: the checkpoint (null while the folder has none) and the images' format. */
	private JsonObject options() {
		JsonObject options = new JsonObject();
		String current;
		try {
			current = images.current().name();
		} catch (ApiException none) {
			current = null;
		}
		options.add("sd_model_checkpoint", current == null ? JsonNull.INSTANCE : new JsonPrimitive(current));
		options.addProperty("samples_format", "png");
		return options;
	}
}
