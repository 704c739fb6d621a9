package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's LoRA tags in a prompt: {@code <lora:NAME>}, {@code <lora:NAME:W>} or {@code <lora:NAME:TE:UNET>} (the
 * text encoders' and the UNet's weights; one weight is both, none is 1). The tags are taken out of the text that is
 * encoded, and NAME is a file {@code NAME.safetensors} in the LoRA folder, never a path: nothing outside that folder
 * can be named.
 */
final class PromptLoras {

	/** A LoRA the prompt names, found in the folder. */
	record Tag(String name, Path file, double textWeight, double unetWeight) {
	}

	/** The prompt without its LoRA tags, and the tags. */
	record Parsed(String prompt, List<Tag> loras) {
	}

	private static final Pattern TAG = Pattern.compile("<lora:([^>]*)>");

	private PromptLoras() {
	}

	/**
	 * @param folder the workspace's LoRA folder, or null where there is none
	 * @throws IOException naming the tag: a weight that is no number, a name that is a path, a file not in the folder
	 */
	static Parsed parse(String prompt, Path folder) throws IOException {
		List<Tag> tags = new ArrayList<>();
		Matcher m = TAG.matcher(prompt);
		while (m.find()) {
			String[] parts = m.group(1).split(":", -1);
			String name = parts[0].strip();
			if (parts.length > 3) {
				throw new IOException(m.group() + ": a LoRA tag is <lora:NAME>, <lora:NAME:WEIGHT> or <lora:NAME:TEXT_WEIGHT:UNET_WEIGHT>");
			}
			double text = parts.length > 1 ? weight(m.group(), parts[1]) : 1;
			double unet = parts.length > 2 ? weight(m.group(), parts[2]) : text;
			tags.add(new Tag(name, file(m.group(), name, folder), text, unet));
		}
		return new Parsed(TAG.matcher(prompt).replaceAll(""), tags);
	}

	private static double weight(String tag, String text) throws IOException {
		try {
			double w = Double.parseDouble(text.strip());
			if (Double.isFinite(w)) {
				return w;
			}
		} catch (NumberFormatException e) {
			// said below
		}
		throw new IOException(tag + ": the weight '" + text + "' is not a number");
	}

	private static Path file(String tag, String name, Path folder) throws IOException {
		if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
			throw new IOException(tag + ": a LoRA's name is a file name in the LoRA folder" + (folder == null ? "" : " (" + folder + ")")
					+ " without .safetensors, not a path");
		}
		if (folder == null) {
			throw new IOException(tag + ": there is no LoRA folder to find '" + name + "' in; give the file with --lora FILE[:W]");
		}
		Path file = folder.resolve(name + ".safetensors").normalize();
		if (!Files.isRegularFile(file)) {
			throw new IOException(tag + ": no " + name + ".safetensors in " + folder);
		}
		// a link in the folder must not lead out of it
		if (!file.toRealPath().startsWith(folder.toRealPath())) {
			throw new IOException(tag + ": " + file + " leads out of the LoRA folder " + folder);
		}
		return file;
	}
}
