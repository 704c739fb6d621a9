package dev.atelier.server.diffusion.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.diffusion.DiffusionService;
import dev.atelier.server.ServerApi;
import dev.atelier.server.ServerContext;

/** {@code atelier serve}'s image APIs, A1111's and OpenAI's, sharing one server's image jobs and chosen checkpoint. */
@Component(service = ServerApi.Provider.class)
public final class ImagesProvider implements ServerApi.Provider {

	private final DiffusionService diffusion;

	@Activate
	public ImagesProvider(@Reference DiffusionService diffusion) {
		this.diffusion = diffusion;
	}

	@Override
	public List<ServerApi> open(ServerContext server) {
		ImageJobs jobs = new ImageJobs(diffusion, server);
		return List.of(new A1111Api(jobs, new FileHashes()), new OpenAiImagesApi(jobs));
	}
}
