package dev.atelier.diffusion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * CLIP's byte-level BPE as Stable Diffusion's text encoders expect it, built from the merges alone (a
 * {@code merges.txt} or OpenAI's {@code bpe_simple_vocab_16e6.txt.gz}): the vocabulary is the 256 byte characters,
 * the same with {@code </w>}, the first 48,894 merges joined, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 * Text is cleaned as Hugging Face's CLIPTokenizer does without ftfy (HTML entities unescaped, whitespace normalised,
 * lower case), split by CLIP's pattern, and each word merged with an end-of-word mark on its last character. The special tokens' text maps to their ids.
 */
public final class ClipTokenizer {

	public static final int LENGTH = 77;
	/** The ids of the start and end tokens in OpenAI's CLIP vocabulary (Stable Diffusion 1.x and 2.x). */
	public static final int START = 49406;
	public static final int END = 49407;
	private static final int MERGES = 49152 - 256 - 2;
	private static final String[] SPECIALS = { "<|startoftext|>", "<|endoftext|>" };
	private static final Pattern WORDS = Pattern.compile(
			"<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
			Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

	private final Map<String, Integer> encoder = new HashMap<>();
	private final Map<String, Integer> ranks = new HashMap<>();
	private final String[] byteChars = new String[256];
	private final Map<String, List<Integer>> cache = new ConcurrentHashMap<>();
	private final int start;
	private final int end;

	private ClipTokenizer(List<String> merges) {
		// GPT-2's byte → character map, in its order: the printable bytes first, then the rest as 256 + n.
		List<Integer> order = new ArrayList<>();
		for (int b = '!'; b <= '~'; b++) {
			order.add(b);
		}
		for (int b = 0xA1; b <= 0xAC; b++) {
			order.add(b);
		}
		for (int b = 0xAE; b <= 0xFF; b++) {
			order.add(b);
		}
		int n = 0;
		for (int b = 0; b < 256; b++) {
			if (!order.contains(b)) {
				order.add(b);
				byteChars[b] = new String(Character.toChars(256 + n++));
			} else {
				byteChars[b] = new String(Character.toChars(b));
			}
		}
		List<String> vocab = new ArrayList<>();
		for (int b : order) {
			vocab.add(byteChars[b]);
		}
		for (int b : order) {
			vocab.add(byteChars[b] + "</w>");
		}
		for (int i = 0; i < merges.size(); i++) {
			String[] pair = merges.get(i).split(" ");
			vocab.add(pair[0] + pair[1]);
			ranks.put(merges.get(i), i);
		}
		vocab.add(SPECIALS[0]);
		vocab.add(SPECIALS[1]);
		for (int i = 0; i < vocab.size(); i++) {
			encoder.put(vocab.get(i), i);
		}
		start = encoder.get(SPECIALS[0]);
		end = encoder.get(SPECIALS[1]);
	}

	/** The ids a pipeline's own {@code vocab.json} gives the pieces, in place of the ids derived from the merges. */
	private ClipTokenizer(List<String> merges, Map<String, Integer> vocab, Path vocabFile) throws IOException {
		this(merges);
		for (String piece : List.copyOf(encoder.keySet())) {
			Integer id = vocab.get(piece);
			if (id == null) {
				throw new IOException(vocabFile + ": the vocabulary lacks '" + piece + "', which the merges make");
			}
			encoder.put(piece, id);
		}
		if (vocab.values().stream().anyMatch(id -> id < 0)) {
			throw new IOException(vocabFile + ": token ids must not be negative");
		}
	}

	/** From a {@code merges.txt} or the gzipped OpenAI merges; errors name the file and line. */
	public static ClipTokenizer fromMerges(Path file) throws IOException {
		List<String> merges = readMerges(file, MERGES);
		if (merges.size() < MERGES) {
			throw new IOException(file + ": CLIP needs " + MERGES + " merges; the file has " + merges.size());
		}
		return new ClipTokenizer(merges);
	}

	private static List<String> readMerges(Path file, int limit) throws IOException {
		List<String> merges = new ArrayList<>();
		try (InputStream raw = Files.newInputStream(file);
				InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
				BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			String line;
			int number = 0;
			while ((line = reader.readLine()) != null && merges.size() < limit) {
				number++;
				if (number == 1 && line.contains("#version")) { // a header (OpenAI's file has its own name in front)
					continue;
				}
				if (line.isBlank()) {
					continue;
				}
				if (line.split(" ").length != 2) {
					throw new IOException(file + " line " + number + ": a merge is two symbols separated by one space, not '" + line + "'");
				}
				merges.add(line);
			}
		}
		return merges;
	}

	/**
	 * A diffusers tokenizer folder: {@code vocab.json} with {@code merges.txt}, any number of merges (the ids come
	 * from the vocabulary); errors name the file.
	 */
	public static ClipTokenizer fromFolder(Path folder) throws IOException {
		Path vocabFile = folder.resolve("vocab.json");
		Map<String, Integer> vocab = new HashMap<>();
		try (BufferedReader reader = Files.newBufferedReader(vocabFile, StandardCharsets.UTF_8)) {
			JsonObject json = JsonParser.parseReader(reader).getAsJsonObject();
			for (Map.Entry<String, JsonElement> e : json.entrySet()) {
				vocab.put(e.getKey(), e.getValue().getAsInt());
			}
		} catch (NoSuchFileException e) {
			throw new IOException(vocabFile + ": missing (a CLIP tokenizer folder has vocab.json and merges.txt)", e);
		} catch (RuntimeException e) {
			throw new IOException(vocabFile + ": not a JSON object of token → id: " + e.getMessage(), e);
		}
		Path mergesFile = folder.resolve("merges.txt");
		if (!Files.isRegularFile(mergesFile)) {
			throw new IOException(mergesFile + ": missing (a CLIP tokenizer folder has vocab.json and merges.txt)");
		}
		return new ClipTokenizer(readMerges(mergesFile, Integer.MAX_VALUE), vocab, vocabFile);
	}

	/** The id of {@code <|startoftext|>}. */
	public int start() {
		return start;
	}

	/** The id of {@code <|endoftext|>}, which also pads. */
	public int end() {
		return end;
	}

	/** The 77 ids of a prompt: start, up to 75 tokens, end, then end tokens as padding. */
	public int[] encode(String prompt) {
		List<Integer> ids = new ArrayList<>();
		ids.add(start);
		List<Integer> tokens = tokens(prompt);
		ids.addAll(tokens.subList(0, Math.min(tokens.size(), LENGTH - 2)));
		ids.add(end);
		while (ids.size() < LENGTH) {
			ids.add(end);
		}
		return ids.stream().mapToInt(Integer::intValue).toArray();
	}

	/** How many of the prompt's tokens {@link #encode} drops to fit 77 (0 when it fits). */
	public int overflow(String prompt) {
		return Math.max(0, tokens(prompt).size() - (LENGTH - 2));
	}

	/** The prompt's tokens, without start, end or padding: the special tokens' text split out first. */
	public List<Integer> tokens(String prompt) {
		List<Integer> out = new ArrayList<>();
		int from = 0;
		while (from < prompt.length()) {
			int next = -1;
			String special = null;
			for (String s : SPECIALS) {
				int at = prompt.indexOf(s, from);
				if (at >= 0 && (next < 0 || at < next)) {
					next = at;
					special = s;
				}
			}
			String text = next < 0 ? prompt.substring(from) : prompt.substring(from, next);
			words(clean(text), out);
			if (next < 0) {
				break;
			}
			out.add(encoder.get(special));
			from = next + special.length();
		}
		return out;
	}

	private void words(String text, List<Integer> out) {
		Matcher m = WORDS.matcher(text);
		while (m.find()) {
			String word = m.group();
			for (String s : SPECIALS) {
				if (word.equals(s)) { // the lower-cased text of a special token is that token, as CLIP's BPE cache has it
					out.add(encoder.get(s));
					word = null;
					break;
				}
			}
			if (word != null) {
				StringBuilder mapped = new StringBuilder();
				for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
					mapped.append(byteChars[b & 0xff]);
				}
				out.addAll(cache.computeIfAbsent(mapped.toString(), this::bpe));
			}
		}
	}

	/** Merges a word's characters (the last one marked {@code </w>}), lowest rank first, and looks the pieces up. */
	private List<Integer> bpe(String word) {
		List<String> parts = new ArrayList<>();
		int[] cps = word.codePoints().toArray();
		for (int i = 0; i < cps.length; i++) {
			parts.add(new String(Character.toChars(cps[i])) + (i == cps.length - 1 ? "</w>" : ""));
		}
		while (parts.size() > 1) {
			int best = -1;
			int bestRank = Integer.MAX_VALUE;
			for (int i = 0; i + 1 < parts.size(); i++) {
				Integer rank = ranks.get(parts.get(i) + " " + parts.get(i + 1));
				if (rank != null && rank < bestRank) {
					bestRank = rank;
					best = i;
				}
			}
			if (best < 0) {
				break;
			}
			// Merge every occurrence of that pair, left to right, as the reference implementation does.
			String first = parts.get(best);
			String second = parts.get(best + 1);
			List<String> merged = new ArrayList<>();
			for (int i = 0; i < parts.size(); i++) {
				if (i + 1 < parts.size() && parts.get(i).equals(first) && parts.get(i + 1).equals(second)) {
					merged.add(first + second);
					i++;
				} else {
					merged.add(parts.get(i));
				}
			}
			parts = merged;
		}
		List<Integer> ids = new ArrayList<>();
		for (String p : parts) {
			Integer id = encoder.get(p);
			if (id == null) {
				throw new IllegalStateException("CLIP piece '" + p + "' is not in the vocabulary");
			}
			ids.add(id);
		}
		return ids;
	}

	private static final Pattern WHITESPACE = Pattern.compile("[\\s\\x1c-\\x1f\\x85]+", Pattern.UNICODE_CHARACTER_CLASS);
	private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");
	private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", "\u00a0");

	/**
	 * CLIP's cleaning without ftfy (Hugging Face's fallback): HTML entities unescaped twice, whitespace runs to one
	 * space, trimmed, lower case.
	 */
	static String clean(String text) {
		String t = unescape(unescape(text)).strip();
		return WHITESPACE.matcher(t).replaceAll(" ").strip().toLowerCase(java.util.Locale.ROOT);
	}

	/** Numeric character references and the common named entities, as Python's html.unescape reads them. */
	private static String unescape(String text) {
		Matcher m = ENTITY.matcher(text);
		StringBuilder out = new StringBuilder();
		while (m.find()) {
			String name = m.group(1);
			String replacement;
			if (name.startsWith("#")) {
				try {
					int cp = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X') ? Integer.parseInt(name.substring(2), 16)
							: Integer.parseInt(name.substring(1));
					replacement = Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "\uFFFD";
				} catch (NumberFormatException e) {
					replacement = m.group();
				}
			} else {
				replacement = ENTITIES.getOrDefault(name, m.group());
			}
			m.appendReplacement(out, Matcher.quoteReplacement(replacement));
		}
		m.appendTail(out);
		return out.toString();
	}
}
