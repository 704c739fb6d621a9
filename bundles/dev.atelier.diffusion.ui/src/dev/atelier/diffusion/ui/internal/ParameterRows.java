package dev.atelier.diffusion.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.atelier.diffusion.Infotext;

/** What the Gallery's metadata panel lists for an image: its generation parameters, read from the PNG's text. */
final class ParameterRows {

	/** One line of the panel. */
	record Row(String name, String value) {
	}

	private ParameterRows() {
	}

	/** The AUTOMATIC1111 parameters in a PNG's text chunks, if it has any (a blank chunk counts as none). */
	static Optional<Infotext> infotext(Map<String, String> pngText) {
		String text = pngText.get(Infotext.CHUNK);
		return text == null || text.isBlank() ? Optional.empty() : Optional.of(Infotext.parse(text));
	}

	/** Prompt, negative prompt, then each setting in the order written. */
	static List<Row> rows(Infotext info) {
		List<Row> rows = new ArrayList<>();
		rows.add(new Row("Prompt", info.prompt()));
		rows.add(new Row("Negative prompt", info.negativePrompt()));
		info.settings().forEach((k, v) -> rows.add(new Row(k, v)));
		return rows;
	}
}
