package dev.atelier.diffusion.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.workbench.modeling.EPartService;

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.outputs.ui.OutputsUi;
import jakarta.inject.Named;

/**
 * The Gallery's Reuse parameters for a generated image: brings the Diffusion view forward (creating it if needed) and
 * sends it the image's request over the event broker ({@link DiffusionUi#REUSE_TOPIC}); returns what happened, which
 * the Gallery shows.
 */
public final class ReuseParametersHandler {

	/** What Reuse fills in where the image does not say: the usual txt2img settings. */
	static final GenerationRequest DEFAULTS = GenerationRequest.of("", 0);

	@CanExecute
	public boolean canExecute(@org.eclipse.e4.core.di.annotations.Optional @Named(OutputsUi.REUSE_FILE) String file) {
		return file != null;
	}

	@Execute
	public String execute(@Named(OutputsUi.REUSE_FILE) String file, IEventBroker broker,
			@org.eclipse.e4.core.di.annotations.Optional EPartService parts) {
		GenerationRequest request;
		try {
			Optional<Infotext> info = ParameterRows.infotext(PngInfo.read(Path.of(file)));
			if (info.isEmpty()) {
				return "The selected image has no parameters to reuse.";
			}
			request = info.get().toRequest(DEFAULTS);
		} catch (IOException e) {
			return e.getMessage();
		} catch (IllegalArgumentException e) {
			return "These parameters cannot be reused: " + e.getMessage();
		}
		if (parts != null) {
			try {
				parts.showPart(DiffusionUi.DIFFUSION_PART, EPartService.PartState.ACTIVATE);
			} catch (RuntimeException e) {
				return "Cannot show the Diffusion view: " + e.getMessage();
			}
		}
		broker.send(DiffusionUi.REUSE_TOPIC, request);
		return "Sent seed " + request.seed() + " and its settings to the Diffusion view.";
	}
}
