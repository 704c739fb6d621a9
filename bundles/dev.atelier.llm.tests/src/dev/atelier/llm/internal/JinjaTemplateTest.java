package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.internal.engine.ChatFormat;
import dev.atelier.llm.internal.engine.ChatTemplate;
import dev.atelier.llm.internal.engine.JinjaTemplate;
import dev.atelier.llm.internal.engine.JinjaTemplate.TemplateException;
import dev.atelier.llm.internal.gguf.GgufFile;

/** A GGUF's Jinja chat template run by Jinjava: real templates' output, the fallback on failure, hostile templates stopped. */
class JinjaTemplateTest {

	private static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("system", "Be brief."), ChatMessage.user("Hi"),
			new ChatMessage("assistant", "Hello."), ChatMessage.user("Why?"));
	private static final List<ChatMessage> NO_SYSTEM = CONVERSATION.subList(1, CONVERSATION.size());

	/** Meta's Llama 3 Instruct template, as its GGUFs carry it. */
	static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
			+ "message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = "
			+ "bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant"
			+ "<|end_header_id|>\\n\\n' }}{% endif %}";
	/** The common ChatML template (Qwen without its default system message, OpenHermes, …). */
	static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + "
			+ "'\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
	/** Gemma's: no system turn (it refuses one), roles must alternate. */
	static final String GEMMA = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
			+ "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles "
			+ "must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}"
			+ "{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + "
			+ "'<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}";
	/** Gemma 3's, which folds a system message into the first user turn. */
	static final String GEMMA3 = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first_user_prefix = messages[0]['content'] + "
			+ "'\\n\\n' %}{% set loop_messages = messages[1:] %}{% else %}{% set first_user_prefix = '' %}{% set loop_messages = messages %}"
			+ "{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}"
			+ "{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}"
			+ "{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}"
			+ "{% endif %}";

	private static String render(String template, List<ChatMessage> messages) throws TemplateException {
		return new JinjaTemplate(template, "test.gguf").render(messages, true, "<s>", "</s>");
	}

	@Test
	void realTemplatesRenderWhatOurKnownFormatsProduce() throws Exception {
		assertEquals("<s>" + ChatTemplate.LLAMA3.render(CONVERSATION, ""), render(LLAMA3, CONVERSATION));
		assertEquals(ChatTemplate.CHATML.render(CONVERSATION, ""), render(CHATML, CONVERSATION));
		assertEquals("<s>" + ChatTemplate.GEMMA.render(NO_SYSTEM, ""), render(GEMMA, NO_SYSTEM));
		assertEquals("<s>" + ChatTemplate.GEMMA.render(CONVERSATION, ""), render(GEMMA3, CONVERSATION));
	}

	@Test
	void addGenerationPromptFalseLeavesTheAssistantTurnClosed() throws Exception {
		assertEquals("<|im_start|>user\nHi<|im_end|>\n", new JinjaTemplate(CHATML, "m").render(List.of(ChatMessage.user("Hi")), false, "", ""));
	}

	@Test
	void theFiltersTestsAndMethodsRealTemplatesUseWork() throws Exception {
		String template = "{%- set ns = namespace(found=false) -%}{%- for m in messages -%}{%- if m.role == 'system' %}{% set ns.found = true %}"
				+ "{% endif -%}{%- endfor -%}{{ ns.found }}|{{ messages | selectattr('role', 'equalto', 'user') | list | length }}|"
				+ "{{ messages[-1].content.strip().upper() }}|{{ 'a,b'.split(',') | join('+') }}|{{ messages[0].content.startswith('Be') }}|"
				+ "{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %}|{{ (messages | last)['role'] }}|{{ eos_token }}|"
				+ "{% if tools is not defined %}no tools{% endif %}|{{ messages[1:] | length }}|{{ '  x ' | trim }}|{{ messages[0] | tojson }}|"
				+ "{% macro turn(m) %}<{{ m.role }}>{% endmacro %}{{ turn(messages[0]) }}";
		assertEquals("true|2|WHY?|a+b|true|role=system;content=Be brief.;|user|</s>|no tools|3|x|{\"role\":\"system\",\"content\":\"Be brief.\"}|<system>",
				render(template, CONVERSATION));
	}

	@Test
	void raiseExceptionFailsNamingTheModelAndItsMessage() {
		TemplateException e = assertThrows(TemplateException.class, () -> render(GEMMA, CONVERSATION));
		assertEquals("test.gguf's chat template raised an exception: System role not supported", e.getMessage());
	}

	@Test
	void aTemplateThatFailsFallsBackToTheKnownFormatWithAWarning() {
		List<String> warnings = new ArrayList<>();
		ChatFormat format = ChatFormat.of(Optional.of(GEMMA), "gemma.gguf");
		assertEquals(ChatTemplate.GEMMA, format.fallback(), "the format the template resembles backs it");
		String prompt = format.render(CONVERSATION, "<bos>", "<eos>", true, warnings::add);
		assertEquals(ChatTemplate.GEMMA.render(CONVERSATION, ""), prompt);
		assertEquals(List.of("gemma.gguf's chat template raised an exception: System role not supported; using the gemma format instead"), warnings);

		List<String> broken = new ArrayList<>();
		assertEquals(ChatTemplate.CHATML.render(CONVERSATION, ""), ChatFormat.of(Optional.of("{% for m in messages %}{{ m.content }"), "x.gguf")
				.render(CONVERSATION, "", "", false, broken::add), "an unrecognised template falls back to the default");
		assertTrue(broken.size() == 1 && broken.get(0).startsWith("x.gguf's chat template failed") && broken.get(0).endsWith("using the chatml format instead"),
				broken.toString());
	}

	@Test
	void theTemplatesBosIsDroppedWhereTheTokenizerAddsOneAndModelsWithoutATemplateGetTheNamedDefault() {
		ChatFormat llama3 = ChatFormat.of(Optional.of(LLAMA3), "l3.gguf");
		assertEquals(ChatTemplate.LLAMA3.render(CONVERSATION, ""), llama3.render(CONVERSATION, "<s>", "</s>", true, w -> {
			throw new AssertionError(w);
		}));
		assertEquals("<s>" + ChatTemplate.LLAMA3.render(CONVERSATION, ""), llama3.render(CONVERSATION, "<s>", "</s>", false, w -> {
		}));
		ChatFormat none = ChatFormat.of(Optional.empty(), "plain.gguf");
		assertEquals(ChatFormat.DEFAULT, none.fallback());
		assertTrue(none.description().startsWith("chatml (the default"), none.description());
		assertEquals("llama-3 (chosen)", ChatFormat.known(ChatTemplate.LLAMA3).description());
	}

	@Test
	void hostileTemplatesAreStoppedNotRun() {
		String bomb = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}x";
		assertTrue(assertThrows(TemplateException.class, () -> render(bomb, CONVERSATION)).getMessage().contains("loop iterations"));
		String doubling = "{% set s = 'aaaaaaaa' %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}";
		assertTrue(assertThrows(TemplateException.class, () -> render(doubling, CONVERSATION)).getMessage().contains("over limit"));
		String lists = "{% set l = [1, 2] %}{% for i in range(64) %}{% set l = l + l %}{% endfor %}{{ l | length }}";
		assertThrows(TemplateException.class, () -> render(lists, CONVERSATION));
		for (String probe : List.of("{{ ''.getClass() }}", "{{ ''.getClass().forName('java.lang.Runtime') }}", "{{ messages.getClass() }}",
				"{{ messages[0].getClass().getClassLoader() }}", "{{ 'x'.repeat(1000000000) }}", "{% include '/etc/passwd' %}")) {
			TemplateException e = assertThrows(TemplateException.class, () -> render(probe, CONVERSATION), probe);
			assertTrue(e.getMessage().startsWith("test.gguf's chat template failed"), e.getMessage());
		}
		assertEquals("", assertDoesNotLeak("{{ ''.class }}{{ messages.class }}{{ loop }}"));
	}

	private static String assertDoesNotLeak(String template) {
		try {
			return render(template, CONVERSATION);
		} catch (TemplateException e) {
			return "";
		}
	}

	@Test
	void theTemplatesInLlamaCppsVocabularyFilesRender() throws Exception {
		try (GgufFile phi3 = GgufFile.open(TestData.llm("gguf-vocab/ggml-vocab-phi-3.gguf"))) {
			String template = phi3.string("tokenizer.chat_template").orElseThrow();
			assertEquals(ChatTemplate.PHI3, ChatTemplate.recognise(template).orElseThrow());
			// Phi-3's template drops system messages and always opens the assistant's turn after a user's
			assertEquals("<s>" + ChatTemplate.PHI3.render(NO_SYSTEM, ""), new JinjaTemplate(template, "phi-3").render(CONVERSATION, true, "<s>", "<|endoftext|>"));
		}
		// more-vocab's Qwen2 vocabulary (ChatML with a default system message) is xz-compressed: no reader for it here
	}
}
