package dev.atelier.diffusion.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.workbench.modeling.EPartService;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.outputs.ui.OutputsUi;
import jakarta.inject.Named;

/**
 * The Gallery's Reuse parameters for a generated image: brings the Diffusion view forward (creating it if needed) and
 * sends it the image's request and recorded choices over the event broker ({@link DiffusionUi#REUSE_TOPIC}); returns
 * what happened, which the Gallery shows.
 */
public final class ReuseParametersHandler {

	/** What Reuse fills in where the image does not say: the usual txt2img settings. */
	static final GenerationRequest DEFAULTS = GenerationRequest.of("", 0);

	@CanExecute
	public boolean canExecute(@org.eclipse.e4.core.di.annotations.Optional @Named(OutputsUi.REUSE_FILE) String file) {
		return file != null;
	}

	/** The image's parameters, or why there are none to reuse. */
	private record Read(DiffusionUi.Reused reused, String problem) {
	}

	/**
	 * Reads the image's parameters off the UI thread (its init image and mask, where relative, in the workspace), then
	 * shows the Diffusion view and sends it the request on the UI thread; the stage completes with what happened.
	 */
	@Execute
	public CompletionStage<String> execute(@Named(OutputsUi.REUSE_FILE) String file, IEventBroker broker, UISynchronize ui,
			@org.eclipse.e4.core.di.annotations.Optional EPartService parts, @Service AtelierEnvironment environment) {
		Path workspace = environment.paths().workspaceRoot();
		CompletableFuture<String> said = new CompletableFuture<>();
		CompletableFuture.supplyAsync(() -> read(Path.of(file), workspace)).whenComplete((read, error) -> ui.asyncExec(() -> {
			if (error != null) {
				said.complete("Cannot read the parameters of " + file + ": " + error.getMessage());
			} else {
				said.complete(read.reused() == null ? read.problem() : send(read.reused(), broker, parts));
			}
		}));
		return said;
	}

	private static Read read(Path file, Path workspace) {
		try {
			Optional<Infotext> info = ParameterRows.infotext(PngInfo.read(file));
			if (info.isEmpty()) {
				return new Read(null, "The selected image has no parameters to reuse.");
			}
			return new Read(new DiffusionUi.Reused(info.get().toRequest(DEFAULTS, workspace), info.get().options(workspace)), null);
		} catch (IOException e) {
			return new Read(null, e.getMessage());
		} catch (IllegalArgumentException e) {
			return new Read(null, "These parameters cannot be reused: " + e.getMessage());
		}
	}

	private static String send(DiffusionUi.Reused reused, IEventBroker broker, EPartService parts) {
		if (parts != null) {
			try {
				parts.showPart(DiffusionUi.DIFFUSION_PART, EPartService.PartState.ACTIVATE);
			} catch (RuntimeException e) {
				return "Cannot show the Diffusion view: " + e.getMessage();
			}
		}
		broker.send(DiffusionUi.REUSE_TOPIC, reused);
		return "Sent seed " + reused.request().seed() + " and its settings to the Diffusion view.";
	}
}
