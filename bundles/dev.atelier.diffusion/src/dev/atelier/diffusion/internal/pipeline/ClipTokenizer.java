package dev.atelier.diffusion.internal.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * As Hugging Face's CLIPTokenizer (transformers 5) does it: the special tokens' exact text is split out first and
 * maps to their ids; the rest is normalised (NFC, whitespace, lower case), split by CLIP's pattern and again by
 * GPT-2's byte-level one, and each piece merged with an end-of-word mark on its last character.
 */
public final class ClipTokenizer {

	public static final int LENGTH = 77;
	/** The ids of the start and end tokens in OpenAI's CLIP vocabulary (Stable Diffusion 1.x and 2.x). */
	public static final int START = 49406;
	public static final int END = 49407;
	/** CLIP's BPE merges as openai/CLIP ships them, beside this class. */
	private static final String OPENAI_MERGES = "bpe_simple_vocab_16e6.txt.gz";
	private static final int MERGES = 49152 - 256 - 2;
	private static final String[] SPECIALS = { "<|startoftext|>", "<|endoftext|>" };
	private static final Pattern WORDS = Pattern.compile(
			"<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
			Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

	private final Map<String, Integer> encoder = new HashMap<>();
	private final Map<String, Integer> ranks = new HashMap<>();
	private final String[] byteChars = new String[256];
	private final Map<String, List<Integer>> cache = new ConcurrentHashMap<>();
	/** What pads to 77: the end token, or the folder's own pad token (Stable Diffusion 2.x pads with "!"). */
	private String pad = SPECIALS[1];

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
		return withAllMerges(readMerges(file, MERGES), file.toString());
	}

	/** The merges CLIP was trained with, shipped in this bundle (openai/CLIP's file, MIT): what a checkpoint file, which has no tokenizer, uses. */
	public static ClipTokenizer openAi() throws IOException {
		try (InputStream raw = ClipTokenizer.class.getResourceAsStream(OPENAI_MERGES)) {
			if (raw == null) {
				throw new IOException("the diffusion bundle lacks CLIP's merges (" + OPENAI_MERGES + ")");
			}
			try (InputStream in = new GZIPInputStream(raw)) {
				return withAllMerges(readMerges(in, OPENAI_MERGES, MERGES), OPENAI_MERGES);
			}
		}
	}

	private static ClipTokenizer withAllMerges(List<String> merges, String source) throws IOException {
		if (merges.size() < MERGES) {
			throw new IOException(source + ": CLIP needs " + MERGES + " merges; the file has " + merges.size());
		}
		return new ClipTokenizer(merges);
	}

	private static List<String> readMerges(Path file, int limit) throws IOException {
		try (InputStream raw = Files.newInputStream(file);
				InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
			return readMerges(in, file.toString(), limit);
		}
	}

	private static List<String> readMerges(InputStream in, String source, int limit) throws IOException {
		List<String> merges = new ArrayList<>();
		BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
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
				throw new IOException(source + " line " + number + ": a merge is two symbols separated by one space, not '" + line + "'");
			}
			merges.add(line);
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
		ClipTokenizer clip = new ClipTokenizer(readMerges(mergesFile, Integer.MAX_VALUE), vocab, vocabFile);
		for (String name : List.of("special_tokens_map.json", "tokenizer_config.json")) {
			Path file = folder.resolve(name);
			if (Files.isRegularFile(file)) {
				clip.pad = padToken(file, clip);
				break;
			}
		}
		return clip;
	}

	/** The pad_token of a tokenizer's JSON (a string or an object with its content); the end token when absent. */
	private static String padToken(Path file, ClipTokenizer clip) throws IOException {
		try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			JsonElement pad = JsonParser.parseReader(reader).getAsJsonObject().get("pad_token");
			if (pad == null || pad.isJsonNull()) {
				return SPECIALS[1];
			}
			String token = pad.isJsonObject() ? pad.getAsJsonObject().get("content").getAsString() : pad.getAsString();
			if (!clip.encoder.containsKey(token)) {
				throw new IOException(file + ": pad_token '" + token + "' is not in the vocabulary");
			}
			return token;
		} catch (RuntimeException e) {
			throw new IOException(file + ": not a tokenizer's JSON with a pad_token: " + e.getMessage(), e);
		}
	}

	/** The id of {@code <|startoftext|>}. */
	public int start() {
		return encoder.get(SPECIALS[0]);
	}

	/** The id of {@code <|endoftext|>}, which also pads. */
	public int end() {
		return encoder.get(SPECIALS[1]);
	}

	/** The 77 ids of a prompt: start, up to 75 tokens, end, then the pad token (the end token unless the folder says). */
	public int[] encode(String prompt) {
		int start = start();
		int end = end();
		List<Integer> ids = new ArrayList<>();
		ids.add(start);
		List<Integer> tokens = tokens(prompt);
		ids.addAll(tokens.subList(0, Math.min(tokens.size(), LENGTH - 2)));
		ids.add(end);
		int padding = encoder.get(pad);
		while (ids.size() < LENGTH) {
			ids.add(padding);
		}
		return ids.stream().mapToInt(Integer::intValue).toArray();
	}

	/**
	 * {@code ids} from {@link #encode} padded with {@code padToken} instead: what a tokenizer padding with that token gives
	 * (OpenCLIP's tokenizers, SD 2.x's and SDXL's second, pad with "!"). The padding is the trailing run of this
	 * tokenizer's pad id, less the end token that closes the prompt where the two are the same.
	 */
	public int[] padded(int[] ids, String padToken) {
		Integer padding = encoder.get(padToken);
		if (padding == null) {
			throw new IllegalArgumentException("the pad token '" + padToken + "' is not in the vocabulary");
		}
		int own = encoder.get(pad);
		int from = ids.length;
		while (from > 0 && ids[from - 1] == own) {
			from--;
		}
		if (own == end() && from < ids.length) {
			from++;
		}
		int[] out = ids.clone();
		Arrays.fill(out, from, out.length, padding);
		return out;
	}

	/**
	 * One chunk of a prompt as AUTOMATIC1111 feeds it to a text encoder: start, up to 75 tokens, end, padding (as
	 * {@link #encode} pads), and a weight per id (1 at start, end and padding).
	 *
	 * @param tokens how many of the prompt's tokens the chunk holds
	 */
	public record Chunk(int[] ids, float[] weights, int tokens) {

		public Chunk {
			ids = ids.clone();
			weights = weights.clone();
		}

		@Override
		public int[] ids() {
			return ids.clone();
		}

		@Override
		public float[] weights() {
			return weights.clone();
		}
	}

	/** Tokens per chunk: 77 less start and end. */
	public static final int CHUNK_TOKENS = LENGTH - 2;
	/**
	 * AUTOMATIC1111's "comma padding backtrack" (its default): a chunk that fills up within this many tokens of a comma
	 * ends at the comma, and the words after it start the next chunk.
	 */
	private static final int COMMA_BACKTRACK = 20;

	/**
	 * The prompt, weighted as {@link PromptAttention} reads it, in chunks of 75 tokens, as AUTOMATIC1111 splits it: each
	 * piece of text is tokenized on its own, BREAK ends a chunk, a chunk that fills up near a comma ends after the comma.
	 * An empty prompt is one chunk of padding.
	 */
	public List<Chunk> chunks(String prompt) {
		int comma = encoder.getOrDefault(",</w>", -1);
		List<Chunk> chunks = new ArrayList<>();
		List<Integer> ids = new ArrayList<>();
		List<Float> weights = new ArrayList<>();
		int lastComma = -1;
		for (PromptAttention.Piece piece : PromptAttention.parse(prompt)) {
			if (piece.isBreak()) {
				chunks.add(chunk(ids, weights));
				lastComma = -1;
				continue;
			}
			for (int token : tokens(piece.text())) {
				if (token == comma) {
					lastComma = ids.size();
				} else if (ids.size() == CHUNK_TOKENS && lastComma >= 0 && ids.size() - lastComma <= COMMA_BACKTRACK) {
					// the chunk ends at the comma; the words after it stay for the next
					chunks.add(chunk(ids.subList(0, lastComma + 1), weights.subList(0, lastComma + 1)));
					lastComma = -1;
				}
				if (ids.size() == CHUNK_TOKENS) {
					chunks.add(chunk(ids, weights));
					lastComma = -1;
				}
				ids.add(token);
				weights.add((float) piece.weight());
			}
		}
		if (!ids.isEmpty() || chunks.isEmpty()) {
			chunks.add(chunk(ids, weights));
		}
		return chunks;
	}

	/** The chunk of these tokens, which are taken out of their list. */
	private Chunk chunk(List<Integer> tokens, List<Float> tokenWeights) {
		int[] ids = new int[LENGTH];
		float[] weights = new float[LENGTH];
		Arrays.fill(weights, 1);
		Arrays.fill(ids, encoder.get(pad));
		ids[0] = start();
		for (int i = 0; i < tokens.size(); i++) {
			ids[1 + i] = tokens.get(i);
			weights[1 + i] = tokenWeights.get(i);
		}
		ids[1 + tokens.size()] = end();
		Chunk c = new Chunk(ids, weights, tokens.size());
		tokens.clear();
		tokenWeights.clear();
		return c;
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
			// the byte-level step splits each piece again with GPT-2's pattern: only special-token text changes by it
			Matcher piece = BYTE_LEVEL.matcher(m.group());
			while (piece.find()) {
				StringBuilder mapped = new StringBuilder();
				for (byte b : piece.group().getBytes(StandardCharsets.UTF_8)) {
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

	private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
	private static final Pattern BYTE_LEVEL = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
			Pattern.UNICODE_CHARACTER_CLASS);

	/**
	 * Hugging Face's CLIP normalizer: NFC, whitespace runs (Unicode White_Space) to one space, then each code point
	 * lower-cased on its own (no final-sigma rule; İ becomes i + combining dot).
	 */
	static String clean(String text) {
		String t = WHITESPACE.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ");
		StringBuilder out = new StringBuilder(t.length());
		t.codePoints().forEach(cp -> {
			if (cp == 0x130) {
				out.append("i\u0307");
			} else {
				out.appendCodePoint(Character.toLowerCase(cp));
			}
		});
		return out.toString();
	}
}
