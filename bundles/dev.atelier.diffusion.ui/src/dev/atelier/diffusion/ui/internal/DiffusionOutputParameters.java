package dev.atelier.diffusion.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.outputs.ui.OutputParameters;

/** What the Gallery lists for a generated image: its AUTOMATIC1111 parameters, read from the PNG's text. */
@Component(service = OutputParameters.class)
public final class DiffusionOutputParameters implements OutputParameters {

	@Override
	public Optional<List<Parameter>> read(Path file) throws IOException {
		return ParameterRows.infotext(PngInfo.read(file))
				.map(info -> ParameterRows.rows(info).stream().map(r -> new Parameter(r.name(), r.value())).toList());
	}
}
