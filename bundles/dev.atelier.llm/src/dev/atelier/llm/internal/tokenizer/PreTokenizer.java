package dev.atelier.llm.internal.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, as llama.cpp does for a vocabulary's {@code tokenizer.ggml.pre}:
 * each expression of the list splits every piece the previous ones left into its matches and the gaps between
 * them, and matching never looks past a piece's ends. The expressions are llama.cpp's (facts of the format).
 */
final class PreTokenizer {

	private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
	private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
			+ "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
	private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
			+ "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

	private static final String DEEPSEEK_LLM_LETTERS = "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ\\x{10400}-\\x{1044f}\\x{104b0}-\\x{104d3}\\x{104d8}-\\x{104fb}\\x{10c80}-\\x{10cb2}\\x{10cc0}-\\x{10cf2}\\x{118a0}-\\x{118df}\\x{1e900}-\\x{1e943}]+";

	private static final Map<String, List<String>> BY_NAME = Map.ofEntries(
			Map.entry("default", List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]")),
			Map.entry("gpt-2", List.of(GPT2)), Map.entry("phi-2", List.of(GPT2)), Map.entry("jina-es", List.of(GPT2)), Map.entry("jina-de", List.of(GPT2)),
			Map.entry("jina-v1-en", List.of(GPT2)), Map.entry("jina-v2-es", List.of(GPT2)), Map.entry("jina-v2-de", List.of(GPT2)),
			Map.entry("gigachat", List.of(GPT2)), Map.entry("mpt", List.of(GPT2)), Map.entry("olmo", List.of(GPT2)), Map.entry("jais", List.of(GPT2)),
			Map.entry("trillion", List.of(GPT2)),
			Map.entry("deepseek-llm", List.of("[\r\n]", DEEPSEEK_LLM_LETTERS, "\\s?[!-/:-~！-／：-～‘-‟　-。]+", "\\s+$", "[一-龥ࠀ-一가-퟿]+", "\\p{N}+")),
			Map.entry("llama3", List.of(LLAMA3)), Map.entry("llama-v3", List.of(LLAMA3)), Map.entry("llama-bpe", List.of(LLAMA3)),
			Map.entry("falcon3", List.of(LLAMA3)), Map.entry("pixtral", List.of(LLAMA3)), Map.entry("dbrx", List.of(LLAMA3)),
			Map.entry("smaug-bpe", List.of(LLAMA3)), Map.entry("chatglm-bpe", List.of(LLAMA3)), Map.entry("glm4", List.of(LLAMA3)),
			Map.entry("deepseek-coder", List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", "\\p{N}")),
			Map.entry("falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]")),
			Map.entry("starcoder", List.of("\\p{N}", GPT2)), Map.entry("refact", List.of("\\p{N}", GPT2)), Map.entry("command-r", List.of("\\p{N}", GPT2)),
			Map.entry("smollm", List.of("\\p{N}", GPT2)), Map.entry("codeshell", List.of("\\p{N}", GPT2)), Map.entry("exaone", List.of("\\p{N}", GPT2)),
			Map.entry("minerva-7b", List.of("\\p{N}", GPT2)),
			Map.entry("qwen2", List.of(QWEN2)), Map.entry("deepseek-r1-qwen", List.of(QWEN2)), Map.entry("megrez", List.of(QWEN2)),
			Map.entry("stablelm2", List.of(QWEN2)), Map.entry("hunyuan", List.of(QWEN2)),
			Map.entry("gpt3-finnish", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")),
			Map.entry("poro-chat", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")), Map.entry("bloom", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")),
			Map.entry("viking", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+", "\\p{N}")));

	private final List<Pattern> patterns;

	private PreTokenizer(List<Pattern> patterns) {
		this.patterns = patterns;
	}

	/** The pre-tokenizer named in the vocabulary; null for one llama.cpp does not define here. */
	static PreTokenizer named(String name) {
		List<String> expressions = BY_NAME.get(name == null ? "default" : name);
		return expressions == null ? null
				: new PreTokenizer(expressions.stream().map(e -> Pattern.compile(e, Pattern.UNICODE_CHARACTER_CLASS)).toList());
	}

	static boolean ignoresMerges(String name) {
		return List.of(LLAMA3).equals(BY_NAME.get(name));
	}

	List<String> split(String text) {
		List<int[]> pieces = new ArrayList<>();
		pieces.add(new int[] { 0, text.length() });
		for (Pattern pattern : patterns) {
			List<int[]> next = new ArrayList<>();
			Matcher m = pattern.matcher(text);
			for (int[] piece : pieces) {
				m.region(piece[0], piece[1]);
				int at = piece[0];
				while (m.find()) {
					if (m.end() == m.start()) {
						continue;
					}
					if (m.start() > at) {
						next.add(new int[] { at, m.start() });
					}
					next.add(new int[] { m.start(), m.end() });
					at = m.end();
				}
				if (at < piece[1]) {
					next.add(new int[] { at, piece[1] });
				}
			}
			pieces = next;
		}
		return pieces.stream().map(p -> text.substring(p[0], p[1])).toList();
	}
}
