package dev.atelier.llm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded engine as a service. A model loads as a job with progress, under an evictable lease of the device
 * service (weights, key/value cache and activations) that an idle time-to-live ends, as Ollama's keep_alive does;
 * an evicted model is unloaded and the next message loads it again.
 */
public interface LlmService {

	/**
	 * The preference that says how long an idle model stays loaded: a duration ({@code 30s}, {@code 5m}, {@code 1h},
	 * a bare number in seconds), {@code 0} to unload right after each answer, or {@code -1} to keep it until memory is
	 * needed.
	 */
	String KEEP_ALIVE = "llm.keepAlive";

	Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

	/**
	 * A GGUF model on a device ({@code auto}, or an id the device service lists), with the key/value cache for
	 * {@code context} positions. Nothing is read yet: {@link LocalModel#load()} or the first message loads it.
	 * {@code template} null uses the model's own chat template, a name of {@link ChatModels#TEMPLATES} forces one.
	 */
	default LocalModel model(Path file, String template, String deviceId, int context) {
		return model(file, null, template, deviceId, context);
	}

	/**
	 * As {@link #model(Path, String, String, int)} for a llama2.c checkpoint with llama2.c's {@code tokenizer.bin} of its
	 * vocabulary from elsewhere; {@code tokenizer} null looks beside the checkpoint ({@code tok<N>.bin}, then
	 * {@code tokenizer.bin}). A tokenizer that does not fit, or one given for a GGUF (which carries its own), is refused
	 * when the model loads, naming the file.
	 */
	LocalModel model(Path file, Path tokenizer, String template, String deviceId, int context);

	/**
	 * As {@link #model(Path, String, String, int)}, with the lease's idle time-to-live given rather than taken from the
	 * preference: null keeps the model until its memory is needed (for a caller that unloads it on its own clock, as
	 * {@code atelier serve} does for Ollama's per-request keep_alive).
	 */
	LocalModel model(Path file, String template, String deviceId, int context, Duration keepAlive);

	/**
	 * As {@link #model(Path, String, String, int, Duration)}, with a key/value cache of {@code context} positions for
	 * each of {@code sequences} answers: chats asked for at the same time (from several threads) are then decoded
	 * together, one batched step per token of all of them (continuous batching), each answer what it would be alone.
	 */
	LocalModel model(Path file, String template, String deviceId, int context, int sequences, Duration keepAlive);

	/** Reads a GGUF file's header: a missing, foreign or damaged file is refused naming it and the problem. */
	ModelInfo describe(Path file) throws IOException;
}
