package dev.atelier.llm.internal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.ApiKeys;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.ChatModels;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.EmbeddedChat;
import dev.atelier.llm.internal.engine.Placement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atelier chat --model FILE|--url URL [--prompt TEXT]}: one answer, or a conversation on standard input. */
@Component(service = Subcommand.class)
public final class ChatCommand implements Subcommand {

	@Reference
	private SecretStore secrets;

	@Reference
	private DeviceService devices;

	@Reference
	private ComputeRuntime runtime;

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Chat(ctx, new ApiKeys(secrets), devices, runtime);
	}

	@Command(name = "chat", header = "chat with a local GGUF model or an OpenAI-compatible server (Ollama, llama.cpp, LM Studio, vLLM)", customSynopsis = {
			"atelier chat (--model FILE.gguf [--template NAME] | --url URL [--server-model NAME]",
			"                    [--connect-timeout 5s] [--idle-timeout 2m] [--total-timeout 30m])",
			"                    [--prompt TEXT] [--system TEXT] [--temperature 0.7] [--max-tokens 512] [--seed N]",
			"                    [--device cuda:N|cpu|auto] [--gpu-layers N] [--devices ID,ID…|all] [--threads N]" }, description = {
					"With --prompt: prints the answer and exits. Without: a conversation, one message per line on standard input (an empty line or "
							+ "end of input ends it). The API key, if the server needs one, comes from the workspace's secure storage (atelier llm key "
							+ "--url URL) or $OPENAI_API_KEY. Statistics go to standard error." })
	private static final class Chat implements Callable<Integer> {

		private final CommandContext ctx;
		private final ApiKeys keys;
		private final DeviceService devices;
		private final ComputeRuntime runtime;

		@Option(names = "--model", paramLabel = "FILE.gguf", description = "a local model")
		private Path model;

		@Option(names = "--template", paramLabel = "llama-2|llama-3|chatml|phi-3|gemma", description = "force a known chat format (default: the model's own Jinja template, or chatml where it has none)")
		private String template;

		@Option(names = "--url", paramLabel = "URL", description = "a server's OpenAI base URL, e.g. http://localhost:11434/v1")
		private URI url;

		@Option(names = "--server-model", paramLabel = "NAME", description = "the server's model (default: the first it lists)")
		private String serverModel;

		@Option(names = "--connect-timeout", paramLabel = "DURATION", description = "with --url: how long the server may take to accept the connection "
				+ "(default: 5s)")
		private Duration connectTimeout;

		@Option(names = "--idle-timeout", paramLabel = "DURATION", description = "with --url: how long an answer may go without an event; keep-alive "
				+ "comments do not count (default: 2m)")
		private Duration idleTimeout;

		@Option(names = "--total-timeout", paramLabel = "DURATION", description = "with --url: how long one answer may take in all (default: 30m)")
		private Duration totalTimeout;

		@Option(names = "--prompt", paramLabel = "TEXT", description = "one message; its answer is printed")
		private String prompt;

		@Option(names = "--system", paramLabel = "TEXT", description = "the system message")
		private String system;

		@Mixin
		private GenerationOptions generation = new GenerationOptions(0.7, 512);

		@Mixin
		private EngineOptions engine = new EngineOptions();

		Chat(CommandContext ctx, ApiKeys keys, DeviceService devices, ComputeRuntime runtime) {
			this.ctx = ctx;
			this.keys = keys;
			this.devices = devices;
			this.runtime = runtime;
		}

		@Override
		public Integer call() {
			if ((model == null) == (url == null)) {
				throw new UsageException("give either --model FILE.gguf or --url URL");
			}
			ChatModels.Timeouts timeouts = timeouts(connectTimeout, idleTimeout, totalTimeout, url != null);
			Sampling sampling = generation.sampling();
			int maxTokens = generation.maxTokens();
			ChatModel chat = null;
			try {
				if (model != null) {
					Consumer<String> notes = note -> ctx.err().println("atelier chat: " + note);
					chat = EmbeddedChat.open(model, template, engine.placement(devices, runtime, notes), 4096, notes);
				} else {
					String key = keys.get(url).orElse(System.getenv("OPENAI_API_KEY"));
					URI server = url;
					String name = serverModel != null ? serverModel : ChatModels.serverModels(url, key, timeouts).stream().findFirst()
							.orElseThrow(() -> new ChatException(server + " offers no models"));
					chat = ChatModels.server(url, name, key == null ? "" : key, timeouts);
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
			} catch (Placement.DoesNotFit e) {
				ctx.err().println("atelier chat: " + model + ": " + e.getMessage());
				return 1;
			} catch (IllegalArgumentException e) { // e.g. a server URL that is not http(s)
				throw new UsageException(e.getMessage());
			} finally {
				if (chat != null) {
					chat.close();
				}
			}
		}
	}

	/** The server's timeouts: those given, the rest by default; refused for a local model, which none of them bounds. */
	private static ChatModels.Timeouts timeouts(Duration connect, Duration idle, Duration total, boolean server) {
		ChatModels.Timeouts d = ChatModels.Timeouts.DEFAULT;
		if (!server) {
			if (connect != null || idle != null || total != null) {
				throw new UsageException("--connect-timeout, --idle-timeout and --total-timeout bound a server's answers: give them with --url");
			}
			return d;
		}
		for (Object[] option : new Object[][] { { "--connect-timeout", connect }, { "--idle-timeout", idle }, { "--total-timeout", total } }) {
			if (option[1] instanceof Duration given && given.isZero()) {
				throw new UsageException(option[0] + ": must be longer than 0");
			}
		}
		return new ChatModels.Timeouts(connect != null ? connect : d.connect(), idle != null ? idle : d.idle(), total != null ? total : d.total());
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
}
