package dev.atelier.llm;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.atelier.core.jobs.JobHandle;

/**
 * A model of the {@link LlmService}: loaded on demand, unloaded when its lease is evicted or closed. Its
 * {@link #chat chat} loads it first where needed (waiting for that job) and holds the lease busy while it answers,
 * so that it is never evicted mid-answer; the answer's {@link Usage} carries the energy it took where a power
 * reading is available.
 */
public interface LocalModel extends ChatModel {

	enum State {
		UNLOADED, LOADING, LOADED
	}

	/**
	 * Where the model stands.
	 *
	 * @param deviceId the device it is loaded on or loading onto; empty while unloaded
	 * @param bytes    the lease's bytes; 0 while unloaded
	 * @param progress the load's done fraction in [0, 1] while loading, NaN when unknown
	 * @param message  what happened last, for the user: the load's step, why it was unloaded, why it failed
	 */
	record Status(State state, String deviceId, long bytes, double progress, String message) {
	}

	/**
	 * Loads the model unless it is loaded, as a job with progress; returns that job (one already running is shared),
	 * empty when the model is loaded.
	 */
	Optional<JobHandle<?>> load();

	Status status();

	/** {@code listener} hears every change of status, on the thread that made it. */
	void addListener(Consumer<Status> listener);

	void removeListener(Consumer<Status> listener);

	/**
	 * Continues {@code prompt} as it is, without a chat template (BOS first where the model wants one; special tokens
	 * written in it are parsed), until the end-of-text token, {@code maxTokens} or {@code cancelled}; loads the model
	 * first as {@link #chat chat} does.
	 */
	Usage complete(String prompt, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) throws ChatException;

	/** Unloads the model and gives its lease back; a later message loads it again. */
	@Override
	void close();
}
