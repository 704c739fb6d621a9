package dev.atelier.llm;

import java.util.Optional;

/**
 * What a GGUF model file says about itself, read from its header without loading it: for model lists and
 * {@code /api/show}.
 *
 * @param architecture  {@code general.architecture} ({@code llama}, {@code qwen2})
 * @param parameters    the weights' element count
 * @param quantization  the tensor type that holds most of the weights' bytes ({@code Q4_K}, {@code F16})
 * @param contextLength the context the model was trained for; 0 where the file does not say
 * @param chatTemplate  the file's own Jinja chat template
 * @param chatFormat    how a conversation becomes its prompt: that template, or the default format named
 */
public record ModelInfo(String architecture, long parameters, String quantization, int contextLength, Optional<String> chatTemplate,
		String chatFormat) {
}
