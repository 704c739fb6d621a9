package dev.atelier.llm.internal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.llm.ApiKeys;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.ChatModels;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;

/** {@code atelier chat --model FILE|--url URL [--prompt TEXT]}: one answer, or a conversation on standard input. */
@Component(service = Subcommand.class)
public final class ChatCommand implements Subcommand {

	@Reference
	private SecretStore secrets;

	@Override
	public String name() {
		return "chat";
	}

	@Override
	public String summary() {
		return "chat with a local GGUF model or an OpenAI-compatible server (Ollama, llama.cpp, LM Studio, vLLM)";
	}

	@Override
	public String usage() {
		return """
				usage: atelier chat (--model FILE.gguf [--template llama-2|llama-3|chatml|phi-3|gemma] | --url URL [--server-model NAME])
				                    [--prompt TEXT] [--system TEXT] [--temperature 0.7] [--max-tokens 512] [--seed N] [--threads N]

				With --prompt: prints the answer and exits. Without: a conversation, one message per line on standard input
				(an empty line or end of input ends it). --url is the server's OpenAI base URL, e.g. http://localhost:11434/v1;
				the API key, if the server needs one, comes from the workspace's secure storage (atelier llm key --url URL)
				or $OPENAI_API_KEY. Statistics go to standard error.""";
	}

	@Override
	public int run(CommandContext ctx) {
		Path model = null;
		URI url = null;
		String serverModel = null;
		String template = null;
		String prompt = null;
		String system = null;
		double temperature = 0.7;
		int maxTokens = 512;
		long seed = 0;
		int threads = Runtime.getRuntime().availableProcessors();
		List<String> args = ctx.args();
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(Options.value(args, ++i, "--model"));
				case "--url" -> url = url(Options.value(args, ++i, "--url"));
				case "--server-model" -> serverModel = Options.value(args, ++i, "--server-model");
				case "--template" -> template = Options.value(args, ++i, "--template");
				case "--prompt" -> prompt = Options.value(args, ++i, "--prompt");
				case "--system" -> system = Options.value(args, ++i, "--system");
				case "--temperature" -> temperature = Options.number(Options.value(args, ++i, "--temperature"), "--temperature");
				case "--max-tokens" -> maxTokens = (int) Options.whole(Options.value(args, ++i, "--max-tokens"), "--max-tokens", 1);
				case "--seed" -> seed = Options.whole(Options.value(args, ++i, "--seed"), "--seed", Long.MIN_VALUE);
				case "--threads" -> threads = (int) Options.whole(Options.value(args, ++i, "--threads"), "--threads", 1);
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help chat)");
				}
			}
			if ((model == null) == (url == null)) {
				throw new IllegalArgumentException("give either --model FILE.gguf or --url URL");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier chat: " + e.getMessage());
			return 2;
		}
		Sampling sampling = temperature == 0 ? Sampling.greedy() : Sampling.of(temperature, seed);
		ChatModel chat = null;
		try {
			if (model != null) {
				chat = ChatModels.embedded(model, template, threads, 4096);
			} else {
				String key = new ApiKeys(secrets).get(url).orElse(System.getenv("OPENAI_API_KEY"));
				URI server = url;
				String name = serverModel != null ? serverModel : ChatModels.serverModels(url, key).stream().findFirst()
						.orElseThrow(() -> new ChatException(server + " offers no models"));
				chat = ChatModels.server(url, name, key == null ? "" : key);
			}
			List<ChatMessage> conversation = new ArrayList<>();
			if (system != null) {
				conversation.add(new ChatMessage("system", system));
			}
			if (prompt != null) {
				conversation.add(ChatMessage.user(prompt));
				answer(ctx, chat, conversation, sampling, maxTokens);
				return 0;
			}
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			ctx.out().println("Chatting with " + chat.name() + "; an empty line ends.");
			String line;
			while (true) {
				ctx.out().print("> ");
				ctx.out().flush();
				line = in.readLine();
				if (line == null || line.isBlank()) {
					return 0;
				}
				conversation.add(ChatMessage.user(line));
				conversation.add(new ChatMessage("assistant", answer(ctx, chat, conversation, sampling, maxTokens)));
			}
		} catch (ChatException e) {
			ctx.err().println("atelier chat: " + e.getMessage());
			return 1;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier chat: " + model + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier chat: " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier chat: " + e.getMessage());
			return 1;
		} catch (IllegalArgumentException e) { // e.g. a server URL that is not http(s)
			ctx.err().println("atelier chat: " + e.getMessage());
			return 2;
		} finally {
			if (chat != null) {
				chat.close();
			}
		}
	}

	private static String answer(CommandContext ctx, ChatModel chat, List<ChatMessage> conversation, Sampling sampling, int maxTokens)
			throws ChatException {
		StringBuilder text = new StringBuilder();
		Usage usage = chat.chat(conversation, sampling, maxTokens, piece -> {
			text.append(piece);
			ctx.out().print(piece);
			ctx.out().flush();
		}, () -> false);
		ctx.out().println();
		ctx.err().printf(Locale.ROOT, "[%d prompt tokens, %d generated, first token after %.0f ms, %.1f tokens/s]%n", usage.promptTokens(),
				usage.generatedTokens(), usage.timeToFirstTokenMillis(), usage.decodeTokensPerSecond());
		return text.toString();
	}

	private static URI url(String text) {
		try {
			return URI.create(text);
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("--url must be a URL such as http://localhost:11434/v1, not '" + text + "'");
		}
	}
}
