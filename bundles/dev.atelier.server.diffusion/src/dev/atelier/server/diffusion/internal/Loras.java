package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import dev.atelier.core.ModelsFolder;
import dev.atelier.diffusion.checkpoint.Lora;
import dev.atelier.server.ApiException;

/**
 * A1111's {@code GET /sdapi/v1/loras}: the models folder's {@code loras/} — the {@code .safetensors} files a prompt's
 * {@code <lora:NAME:W>} names — each as {@code name} (the file's name without the extension, what the tag takes),
 * {@code alias} (kohya's {@code ss_output_name} where the file has one, as A1111 prefers it), {@code path} and
 * {@code metadata} (the file's {@code __metadata__}, values that are JSON objects parsed as A1111 parses them).
 */
final class Loras {

	private static final System.Logger LOG = System.getLogger(Loras.class.getName());
	private static final String EXTENSION = ".safetensors";

	private Loras() {
	}

	/** The folder's LoRAs by name; none where it does not exist; a file whose header cannot be read lists empty metadata. */
	static JsonArray list(Path folder) throws ApiException {
		JsonArray list = new JsonArray();
		try {
			for (Path file : ModelsFolder.files(folder, EXTENSION)) {
				String name = file.getFileName().toString();
				name = name.substring(0, name.length() - EXTENSION.length());
				Map<String, String> metadata;
				try {
					metadata = Lora.metadata(file);
				} catch (IOException e) {
					LOG.log(System.Logger.Level.WARNING, "cannot read the metadata of " + file + ": " + e.getMessage());
					metadata = Map.of();
				}
				JsonObject lora = new JsonObject();
				lora.addProperty("name", name);
				lora.addProperty("alias", metadata.getOrDefault("ss_output_name", name));
				lora.addProperty("path", file.toString());
				JsonObject meta = new JsonObject();
				metadata.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> meta.add(e.getKey(), value(e.getValue())));
				lora.add("metadata", meta);
				list.add(lora);
			}
		} catch (IOException e) {
			throw new ApiException(500, "cannot list " + folder + ": " + e.getMessage());
		}
		return list;
	}

	/** A metadata string; one that holds a JSON object (kohya's tag frequencies, …) as that object. */
	private static JsonElement value(String text) {
		if (text.startsWith("{")) {
			try {
				return JsonParser.parseString(text).getAsJsonObject();
			} catch (JsonParseException | IllegalStateException e) {
				// a string that only looks like an object
			}
		}
		return new JsonPrimitive(text);
	}
}
