package dev.atelier.outputs.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads the parameters an output was made with from its file, for the Gallery to list; a capability that writes
 * outputs registers one as an OSGi service (diffusion: AUTOMATIC1111's {@code parameters} text in a PNG). The Gallery
 * asks each until one knows the file. What the parameters can be reused for is a handler of {@link OutputsUi#REUSE},
 * contributed by the same capability's UI.
 */
public interface OutputParameters {

	/** One line of the Gallery's parameter table. */
	record Parameter(String name, String value) {
	}

	/**
	 * The parameters, in the order to list them; empty when the file has none this reader knows. Called off the UI
	 * thread.
	 *
	 * @throws IOException naming the file when it cannot be read
	 */
	Optional<List<Parameter>> read(Path file) throws IOException;
}
