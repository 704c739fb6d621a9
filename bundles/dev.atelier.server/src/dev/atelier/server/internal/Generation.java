package dev.atelier.server.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.Sampling;
import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;

/**
 * One answer of a served model, as the OpenAI and Ollama endpoints ask for it: a conversation in the model's chat
 * format or a raw prompt, cut at the request's stop strings, streamed to {@code sink} piece by piece.
 *
 * @param messages the conversation, or null for a raw {@code prompt}
 */
record Generation(ModelFolder.Entry model, List<ChatMessage> messages, String prompt, Sampling sampling, int maxTokens, List<String> stops,
		Duration keepAlive) {

	/** What came of it; {@code finishReason} is {@code stop} (end of text or a stop string) or {@code length}. */
	record Result(Models.Answer answer, String finishReason) {
	}

	/**
	 * Runs it as a job, waiting for it; {@code sink} is called on the job's thread, one piece after the other. The
	 * client going away cancels the job.
	 */
	Result run(Models models, Exchange exchange, Consumer<String> sink) throws ApiException {
		StopFilter filter = new StopFilter(stops, sink);
		Models.Answer answer = models.run(model, messages != null ? "chat" : "completion", keepAlive, (served, stop) -> messages != null
				? served.chat(messages, sampling, maxTokens, filter::accept, () -> filter.stopped() || stop.getAsBoolean() || exchange.cancelled())
				: served.complete(prompt, sampling, maxTokens, filter::accept, () -> filter.stopped() || stop.getAsBoolean() || exchange.cancelled()),
				exchange::cancelled);
		filter.finish();
		boolean length = !filter.stopped() && answer.usage().generatedTokens() >= maxTokens;
		return new Result(answer, length ? "length" : "stop");
	}
}
