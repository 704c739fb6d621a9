package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.engine.ChatTemplate;
import dev.atelier.llm.internal.engine.EmbeddedChat;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

class EmbeddedChatTest {

	private static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("system", "Be brief."), ChatMessage.user("Hi"),
			new ChatMessage("assistant", "Hello."), ChatMessage.user("Why?"));

	@Test
	void knownTemplatesRenderTheirFormatAndAreRecognisedByTheirMarkers() {
		assertEquals("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
				+ "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhy?<|eot_id|>"
				+ "<|start_header_id|>assistant<|end_header_id|>\n\n", ChatTemplate.LLAMA3.render(CONVERSATION, ""));
		assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n"
				+ "<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n", ChatTemplate.CHATML.render(CONVERSATION, ""));
		assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Why? [/INST]", ChatTemplate.LLAMA2.render(CONVERSATION, "<s>"));
		assertEquals("<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nWhy?<end_of_turn>\n"
				+ "<start_of_turn>model\n", ChatTemplate.GEMMA.render(CONVERSATION, ""));
		assertEquals(ChatTemplate.LLAMA3, ChatTemplate.recognise("{% for m in messages %}<|start_header_id|>{{ m.role }}...").orElseThrow());
		assertEquals(ChatTemplate.CHATML, ChatTemplate.recognise("{{'<|im_start|>' + message['role']}}").orElseThrow());
		assertTrue(ChatTemplate.recognise("{{ messages }}").isEmpty());
		assertEquals(ChatTemplate.PHI3, ChatTemplate.named("phi-3").orElseThrow());
	}

	@Test
	void specialTokensInTextBecomeTheirIdsWhenAsked() throws Exception {
		try (GgufFile gguf = GgufFile.open(TestData.llm("gguf-vocab/ggml-vocab-gpt-2.gguf"))) {
			Tokenizer t = Tokenizers.of(gguf);
			List<Integer> plain = t.encode("hi<|endoftext|>");
			List<Integer> special = t.encodeWithSpecials("hi<|endoftext|>");
			assertEquals(50256, (int) special.get(special.size() - 1), special.toString());
			assertTrue(plain.size() > special.size(), "as plain text the marker is several tokens: " + plain);
			assertEquals(50256, t.id("<|endoftext|>").getAsInt());
		}
	}

	/** The case: llama2.c's stories260K.bin beside Llama 2's tokenizer.bin, which is another vocabulary. */
	@Test
	void aCheckpointBesideAnotherVocabularysTokenizerIsRefusedNamingTheFilesAndTheSizes() throws Exception {
		Path checkpoint = TestData.llm("stories260K.bin");
		try (EmbeddedModel model = EmbeddedModel.open(checkpoint, Engines.cpu(1), 64)) {
			ChatException refused = assertThrows(ChatException.class, () -> EmbeddedChat.of(model, checkpoint, null, null, note -> {
			}));
			String message = refused.getMessage();
			assertTrue(message.startsWith(checkpoint + " has no tokenizer and its vocabulary has 512 tokens: put llama2.c's tokenizer of that vocabulary"
					+ " beside it as tok512.bin or tokenizer.bin; tried " + checkpoint.resolveSibling("tokenizer.bin")), message);
			assertTrue(message.contains("another vocabulary"), message);
		}
	}

	@Test
	void aSyntheticModelChatsAndALongConversationIsTruncatedAsStated(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tiny.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny", GgmlType.Q8_0, vocab, 3);
		}
		try (EmbeddedModel model = EmbeddedModel.open(file, Engines.cpu(1), 96)) {
			EmbeddedChat chat = new EmbeddedChat(model, ChatTemplate.LLAMA2, "tiny");
			StringBuilder answer = new StringBuilder();
			Usage usage = chat.chat(CONVERSATION, Sampling.greedy(), 8, answer::append, () -> false);
			assertEquals(8, usage.generatedTokens());
			assertTrue(usage.promptTokens() > 10 && !answer.isEmpty(), usage + " " + answer);

			List<ChatMessage> long_ = new java.util.ArrayList<>(List.of(new ChatMessage("system", "Be brief.")));
			for (int i = 0; i < 12; i++) {
				long_.add(ChatMessage.user("Tell me about the number " + i + " please."));
				long_.add(new ChatMessage("assistant", "It is a number."));
			}
			long_.add(ChatMessage.user("And now?"));
			Usage truncated = chat.chat(long_, Sampling.greedy(), 8, t -> {
			}, () -> false);
			assertTrue(truncated.promptTokens() + 8 <= 96, "the oldest turns were dropped to fit: " + truncated);

			String huge = "word ".repeat(200);
			ChatException refused = assertThrows(ChatException.class, () -> chat.chat(List.of(ChatMessage.user(huge)), Sampling.greedy(), 8, t -> {
			}, () -> false));
			assertTrue(refused.getMessage().startsWith("the last message takes ") && refused.getMessage().endsWith("; the context holds 96"),
					refused.getMessage());
		}
	}
}
