package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.fuzz.Requests;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;
import dev.atelier.server.ServerContext;
import dev.atelier.server.internal.ServerLlmRequestTarget;

/**
 * The request bodies of {@code atelier serve}'s image endpoints (AUTOMATIC1111's txt2img, img2img and options,
 * OpenAI's image generations) through the real handlers, over a workspace with one pipeline folder ({@code sd}). The
 * input's first byte picks the endpoint, the rest is the body, parsed as the server parses bodies.
 */
public final class ServerImageRequestTarget {

	private static final String[][] ENDPOINTS = { { "a1111", "/sdapi/v1/txt2img" }, { "a1111", "/sdapi/v1/img2img" }, { "a1111", "/sdapi/v1/options" },
			{ "openai", "/v1/images/generations" } };
	private static final ServerApi A1111;
	private static final ServerApi OPENAI;

	static {
		Path workspace = Requests.workspace("image-workspace", List.of("models/checkpoints/sd/model_index.json"));
		DiffusionService diffusion = new DiffusionService() {
			@Override
			public Path defaultOutputFolder() {
				throw new Requests.Reached();
			}

			@Override
			public JobHandle<List<Path>> submit(Path model, GenerationRequest request, String device, Path outputFolder, GenerationListener listener) {
				throw new Requests.Reached();
			}

			@Override
			public List<JobHandle<List<Path>>> queue() {
				throw new Requests.Reached();
			}
		};
		ImageJobs jobs = new ImageJobs(diffusion, new ServerContext(workspace, workspace.resolve("models"), "cpu", Limits.DEFAULT, "0.0.0"));
		A1111 = new A1111Api(jobs, new FileHashes());
		OPENAI = new OpenAiImagesApi(jobs);
	}

	private ServerImageRequestTarget() {
	}

	public static void fuzzerInitialize() {
		Requests.warmUp(ServerImageRequestTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		if (data.length == 0) {
			return;
		}
		String[] endpoint = ENDPOINTS[(data[0] & 0xff) % ENDPOINTS.length];
		Requests.post(endpoint[0].equals("a1111") ? A1111 : OPENAI, endpoint[1], Arrays.copyOfRange(data, 1, data.length), ServerLlmRequestTarget::body);
	}
}
