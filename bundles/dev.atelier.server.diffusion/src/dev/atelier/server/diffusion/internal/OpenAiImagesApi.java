package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;
import dev.atelier.server.JsonFields;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;

/**
 * OpenAI's {@code POST /v1/images/generations} over the diffusion queue: {@code prompt}, {@code model} (a checkpoint
 * of the workspace; the chosen one where absent), {@code n}, {@code size} as {@code WIDTHxHEIGHT}, answered as
 * {@code b64_json} PNGs that carry the {@code parameters} text (this server keeps no files to link to, so
 * {@code response_format} {@code url} is refused). Euler a, 20 steps, CFG 7.5 and a random seed, as the CLI's
 * defaults; {@code steps} and {@code seed} may be given beside OpenAI's fields. Errors in OpenAI's error object.
 */
record OpenAiImagesApi(ImageJobs images) implements ServerApi {

	private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
	private static final int N_MAX = 10;

	@Override
	public String prefix() {
		return "/v1/images/";
	}

	/** Cancels this server's image jobs (the other image API's too: they share them). */
	@Override
	public void close() {
		images.close();
	}

	@Override
	public JsonObject error(ApiException problem) {
		return ServerApi.openAiError(problem);
	}

	@Override
	public void handle(Exchange exchange) throws ApiException, IOException {
		if (!(exchange.method() + " " + exchange.path()).equals("POST /v1/images/generations")) {
			throw new ApiException(404, "no endpoint " + exchange.method() + " " + exchange.path());
		}
		Limits limits = images.server().limits();
		JsonFields f = new JsonFields(exchange.json());
		if (f.required("prompt").isBlank()) {
			throw f.wrong("prompt", "a description of the image");
		}
		String prompt = ImageFields.prompt(f, "prompt", limits);
		int n = (int) f.integer("n", 1, 1, N_MAX);
		ImageFields.images(f, "n", n, limits);
		String format = f.string("response_format").orElse("b64_json");
		if (!format.equals("b64_json")) {
			throw new ApiException(400, "'response_format' is '" + format + "': this server answers b64_json only", "response_format");
		}
		Matcher size = SIZE.matcher(f.string("size").orElse("512x512"));
		if (!size.matches()) {
			throw f.wrong("size", "WIDTHxHEIGHT in pixels, such as 512x512");
		}
		int width = ImageFields.side(f, "size", Integer.parseInt(size.group(1)), limits);
		int height = ImageFields.side(f, "size", Integer.parseInt(size.group(2)), limits);
		Checkpoints.Checkpoint model = f.has("model") ? images.checkpoints().find(f.required("model"), "model") : images.current();
		GenerationRequest defaults = GenerationRequest.of(prompt, ImageFields.seed(f, "seed"));
		GenerationRequest request;
		try {
			request = new GenerationRequest(prompt, "", Sampler.EULER_A, ImageFields.steps(f, "steps", defaults.steps(), limits), defaults.cfgScale(),
					defaults.seed(), width, height, n, null, defaults.strength());
		} catch (IllegalArgumentException e) {
			throw new ApiException(400, e.getMessage(), "size");
		}
		List<ImageJobs.Image> made = images.generate(new ImageJobs.Ask("txt2img", model, request, null, null, null, 1, false), exchange::cancelled);
		JsonArray data = new JsonArray();
		for (ImageJobs.Image image : made) {
			JsonObject item = new JsonObject();
			item.addProperty("b64_json", Base64.getEncoder().encodeToString(image.png()));
			item.addProperty("revised_prompt", prompt);
			data.add(item);
		}
		JsonObject body = new JsonObject();
		body.addProperty("created", System.currentTimeMillis() / 1000);
		body.add("data", data);
		exchange.send(200, body);
	}
}
