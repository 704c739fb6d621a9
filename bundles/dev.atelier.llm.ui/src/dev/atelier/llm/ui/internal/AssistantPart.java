package dev.atelier.llm.ui.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.Focus;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Preferences;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.ApiKeys;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.ChatModels;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.ui.Axes;
import dev.atelier.ui.ModelChoices;
import dev.atelier.ui.OpensFiles;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The assistant: pick a model (a GGUF file on the embedded engine's service, on a device of the device service, or
 * an OpenAI-compatible server), set sampling, and chat; answers stream into the transcript as a job (Stop cancels
 * it). A local model loads in a job of its own when a message needs it (again after its lease was evicted), its
 * progress and state shown above the footer; the footer shows time to first token, tokens/s and joules per token
 * where the power bundle measured them. Code blocks of the last answer can be copied, and the current selection can
 * be asked about.
 */
public final class AssistantPart implements OpensFiles {

	static final String[] SOURCES = { "GGUF file", "Server URL" };
	/** The first entry of the device list: the device service's pick. */
	static final String AUTO = "auto";
	/** Positions of a local model's key/value cache. */
	static final int CONTEXT = 4096;
	/** Preference key prefix, then a model's path: the tokenizer chosen for it, kept with the model choice. */
	static final String TOKENIZER_PREFERENCE = "llm.tokenizer.";
	private static final Pattern CODE_BLOCK = Pattern.compile("```[^\\n]*\\n(.*?)```", Pattern.DOTALL);

	private final JobService jobs;
	private final UISynchronize sync;
	Combo source;
	/** A GGUF file (the models folder's {@code llm/} are offered) or a server's URL. */
	Combo location;
	/** The location's list while the source is a GGUF file. */
	ModelChoices models;
	/** llama2.c's tokenizer.bin for a checkpoint, from anywhere; empty looks beside the checkpoint. */
	Text tokenizer;
	/** The tokenizer the field was filled with from the preferences for the model chosen, so a model change replaces only that. */
	private String rememberedTokenizer = "";
	Combo serverModel;
	Text apiKey;
	Combo template;
	Combo device;
	/** The device ids behind the device list's entries, {@value #AUTO} first. */
	private final List<String> deviceIds = new ArrayList<>(List.of(AUTO));
	/** How the device list shows the devices after {@value #AUTO}. */
	private List<String> deviceNames = List.of();
	Label modelStatus;
	ProgressBar loadProgress;
	/** The labelled settings under the model line, wrapping as pairs. */
	Composite options;
	Spinner temperature;
	Spinner maxTokens;
	Spinner topK;
	Spinner topP;
	Spinner minP;
	Spinner repeat;
	Spinner seed;
	StyledText transcript;
	Text input;
	Button send;
	Button stop;
	Label footer;
	private Composite root;
	private ChatModel model;
	private String modelKey;
	private final List<ChatMessage> conversation = new ArrayList<>();
	private JobHandle<Usage> running;
	/** The job opening the chosen model, or null. */
	private JobHandle<ChatModel> opening;
	private Object selection;
	private Font monospace;
	private Color codeBackground;
	private ApiKeys keys;
	private LlmService llm;
	private volatile AtelierEnvironment environment;
	private volatile Preferences preferences;

	@Inject
	public AssistantPart(@Service JobService jobs, UISynchronize sync) {
		this.jobs = jobs;
		this.sync = sync;
	}

	/** The workspace's secure storage, which keeps server keys. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void secrets(@Service SecretStore secrets) {
		keys = new ApiKeys(secrets);
	}

	/** The workspace, whose models folder (unless the preference names another) the model list offers. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void environment(@Service AtelierEnvironment service) {
		environment = service;
	}

	/** The preferences, which may name another models folder. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void preferences(@Service Preferences service) {
		preferences = service;
	}

	/** The models folder's {@code llm/} as the preference says now; null without a workspace or while a server is the source. */
	private Path llmFolder() {
		AtelierEnvironment env = environment;
		return env == null || source.isDisposed() || source.getSelectionIndex() != 0 ? null : ModelsFolder.llm(env.paths().workspaceRoot(), preferences);
	}

	/** The embedded engine's service, which loads local models under leases. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void llm(@Service LlmService service) {
		llm = service;
	}

	/** The devices a local model can run on, offered after {@value #AUTO}. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void devices(@Service DeviceService devices) {
		List<Device> listed = devices.devices();
		deviceIds.subList(1, deviceIds.size()).clear();
		listed.forEach(d -> deviceIds.add(d.id()));
		deviceNames = listed.stream().map(d -> d.id() + " (" + d.name() + ")").toList();
		if (device != null && !device.isDisposed()) {
			fillDevices();
		}
	}

	private void fillDevices() {
		List<String> items = new ArrayList<>(List.of(AUTO));
		items.addAll(deviceNames);
		device.setItems(items.toArray(String[]::new));
		device.select(0);
	}

	/** The workbench's current selection, offered by "Ask about selection". */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void selection(@Named("org.eclipse.ui.selection") Object selected) {
		selection = selected;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		parent.setLayout(new GridLayout(1, false));
		Composite settings = new Composite(parent, SWT.NONE);
		settings.setLayout(new GridLayout(4, false));
		settings.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		source = new Combo(settings, SWT.READ_ONLY);
		source.setItems(SOURCES);
		source.select(0);
		location = new Combo(settings, SWT.DROP_DOWN);
		location.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		location.setToolTipText("model.gguf, a llama2.c model.bin with its tokenizer beside it, or http://localhost:11434/v1");
		models = new ModelChoices(location, this::llmFolder, ModelsFolder::ggufFiles, "GGUF models");
		source.addListener(SWT.Selection, e -> models.refresh());
		models.refresh();
		button(settings, "Browse…", () -> {
			FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
			dialog.setFilterExtensions(new String[] { "*.gguf;*.bin", "*.gguf", "*.bin", "*" });
			dialog.setFilterNames(new String[] { "Models (GGUF, llama2.c)", "GGUF", "llama2.c checkpoints (tokenizer beside them)", "All files" });
			Optional.ofNullable(dialog.open()).ifPresent(file -> {
				source.select(0);
				location.setText(file);
			});
		});
		button(settings, "List models", this::listModels);
		// Each setting's label and value stay together and wrap as a pair: no label ends one row with its value on the next.
		options = new Composite(parent, SWT.NONE);
		RowLayout rows = new RowLayout(SWT.HORIZONTAL);
		rows.wrap = true;
		rows.center = true;
		rows.spacing = 12;
		options.setLayout(rows);
		options.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		// the field and its Browse… as one value beside the label
		Composite tokenizerPair = new Composite(setting("Tokenizer"), SWT.NONE);
		GridLayout tokenizerLayout = new GridLayout(2, false);
		tokenizerLayout.marginWidth = 0;
		tokenizerLayout.marginHeight = 0;
		tokenizerPair.setLayout(tokenizerLayout);
		tokenizer = new Text(tokenizerPair, SWT.BORDER);
		tokenizer.setMessage("beside the checkpoint");
		tokenizer.setToolTipText("llama2.c's tokenizer.bin of a .bin checkpoint's vocabulary, from anywhere; empty: tok<N>.bin or tokenizer.bin beside it."
				+ " GGUF models carry their own.");
		tokenizer.setLayoutData(new GridData(220, SWT.DEFAULT));
		button(tokenizerPair, "Browse…", () -> {
			FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
			dialog.setFilterExtensions(new String[] { "*.bin", "*" });
			dialog.setFilterNames(new String[] { "llama2.c tokenizers", "All files" });
			Optional.ofNullable(dialog.open()).ifPresent(tokenizer::setText);
		});
		location.addListener(SWT.Modify, e -> showRememberedTokenizer());
		serverModel = new Combo(setting("Server model"), SWT.DROP_DOWN);
		serverModel.setLayoutData(new GridData(200, SWT.DEFAULT));
		apiKey = new Text(setting("API key"), SWT.BORDER | SWT.PASSWORD);
		apiKey.setMessage("kept in secure storage");
		apiKey.setLayoutData(new GridData(160, SWT.DEFAULT));
		template = new Combo(setting("Format"), SWT.READ_ONLY);
		List<String> formats = new ArrayList<>(List.of("from the model"));
		formats.addAll(List.of(ChatModels.TEMPLATES));
		template.setItems(formats.toArray(String[]::new));
		template.select(0);
		device = new Combo(setting("Device"), SWT.READ_ONLY);
		device.setToolTipText("Where a GGUF model runs: auto (the first GPU, else the CPU), or a device");
		fillDevices();
		temperature = spinner("Temperature", 70, 0, 200, 2);
		maxTokens = spinner("Max tokens", 512, 1, 8192, 0);
		maxTokens.setIncrement(16);
		maxTokens.setPageIncrement(128);
		topK = spinner("Top-k (0: off)", 40, 0, 1000, 0);
		topP = spinner("Top-p", 95, 1, 100, 2);
		minP = spinner("Min-p", 5, 0, 99, 2);
		repeat = spinner("Repetition penalty", 100, 1, 300, 2);
		seed = spinner("Seed", 0, 0, Integer.MAX_VALUE, 0);

		transcript = new StyledText(parent, SWT.BORDER | SWT.MULTI | SWT.WRAP | SWT.V_SCROLL | SWT.READ_ONLY);
		transcript.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		Composite loading = new Composite(parent, SWT.NONE);
		loading.setLayout(new GridLayout(2, false));
		loading.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		modelStatus = new Label(loading, SWT.NONE);
		modelStatus.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		loadProgress = new ProgressBar(loading, SWT.HORIZONTAL);
		loadProgress.setMaximum(1000);
		loadProgress.setVisible(false);
		input = new Text(parent, SWT.BORDER | SWT.MULTI | SWT.WRAP | SWT.V_SCROLL);
		GridData inputData = new GridData(SWT.FILL, SWT.CENTER, true, false);
		inputData.heightHint = 60;
		input.setLayoutData(inputData);
		input.setToolTipText("Enter sends; Shift+Enter starts a new line");
		input.addListener(SWT.KeyDown, this::enterSends);
		Composite actions = new Composite(parent, SWT.NONE);
		actions.setLayout(new GridLayout(6, false));
		actions.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		send = button(actions, "Send", this::send);
		stop = button(actions, "Stop", this::stop);
		stop.setEnabled(false);
		button(actions, "Copy code", this::copyCode);
		button(actions, "Ask about selection", this::askAboutSelection);
		button(actions, "New chat", () -> {
			conversation.clear();
			transcript.setText("");
		});
		footer = new Label(actions, SWT.NONE);
		footer.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
	}

	/** The message field takes the keyboard; the model list is listed again, as the models folder may have changed meanwhile. */
	@Focus
	void focus() {
		models.refresh();
		input.setFocus();
	}

	/** File ▸ Open with a GGUF model: chosen as Browse… chooses it; the first message loads it. */
	@Override
	public void open(Path file) {
		source.select(0);
		location.setText(file.toString());
		footer.setText(file.getFileName() + " is chosen: it loads with the first message.");
	}

	/**
	 * Shows the tokenizer kept for the model now chosen; a tokenizer shown for the previous model gives way, one typed
	 * stays.
	 */
	private void showRememberedTokenizer() {
		String kept = preferences == null ? "" : preferences.get(TOKENIZER_PREFERENCE + location.getText().strip(), "");
		if (!kept.isEmpty() || tokenizer.getText().equals(rememberedTokenizer)) {
			tokenizer.setText(kept);
			rememberedTokenizer = kept;
		}
	}

	/** Keeps the tokenizer a model loaded with (none removes it), so that choosing the model again brings it back. */
	private void rememberTokenizer(String model, String chosen) {
		if (preferences == null || chosen.equals(preferences.get(TOKENIZER_PREFERENCE + model, ""))) {
			return;
		}
		preferences.put(TOKENIZER_PREFERENCE + model, chosen.isEmpty() ? null : chosen);
		rememberedTokenizer = chosen;
		try {
			preferences.save();
		} catch (IOException e) {
			footer.setText("Cannot save the tokenizer choice: " + e.getMessage());
		}
	}

	/** A labelled setting in the wrapping options row; the value control goes into the returned composite. */
	private Composite setting(String label) {
		Composite pair = new Composite(options, SWT.NONE);
		GridLayout layout = new GridLayout(2, false);
		layout.marginWidth = 0;
		layout.marginHeight = 0;
		pair.setLayout(layout);
		new Label(pair, SWT.NONE).setText(label);
		return pair;
	}

	private Spinner spinner(String label, int value, int min, int max, int digits) {
		Spinner spinner = new Spinner(setting(label), SWT.BORDER);
		spinner.setValues(value, min, max, digits, 1, 10);
		return spinner;
	}

	/**
	 * Fills the server model list from the server's /v1/models, asked in a job (the network and the key's secure
	 * storage stay off the UI thread). Returns the job, or null when the URL is not one.
	 */
	JobHandle<List<String>> listModels() {
		URI server;
		try {
			server = URI.create(location.getText().strip());
		} catch (IllegalArgumentException e) {
			footer.setText(e.getMessage());
			return null;
		}
		String typedKey = takeTypedKey();
		footer.setText("Listing the models on " + server + "…");
		JobHandle<List<String>> job = jobs.submit("Assistant: list models on " + server, context -> {
			context.begin("Asking " + server + " for its models", 1);
			List<String> ids = ChatModels.serverModels(server, key(server, typedKey));
			context.worked(1);
			return ids;
		});
		job.result().whenComplete((ids, failure) -> ui(() -> {
			if (failure != null) {
				footer.setText(problem(cause(failure)));
				return;
			}
			serverModel.setItems(ids.toArray(String[]::new));
			if (!ids.isEmpty()) {
				serverModel.select(0);
			}
			source.select(1);
			footer.setText(ids.size() + " models on " + server);
		}));
		return job;
	}

	private static Throwable cause(Throwable failure) {
		return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
	}

	/** Runs on the UI thread, through the workbench's UISynchronize, unless the view is gone meanwhile. */
	private void ui(Runnable action) {
		sync.asyncExec(() -> {
			if (!root.isDisposed()) {
				action.run();
			}
		});
	}

	/** What went wrong, for the footer: a missing file is named as such (its exception says only the path). */
	private static String problem(Throwable e) {
		return e instanceof java.nio.file.NoSuchFileException missing ? "No such file: " + missing.getFile()
				: e.getMessage() == null ? e.toString() : e.getMessage();
	}

	/** The sampling settings as shown; temperature 0 is greedy. */
	Sampling sampling() {
		double t = temperature.getSelection() / 100.0;
		return t == 0 ? Sampling.greedy()
				: new Sampling(t, topK.getSelection(), topP.getSelection() / 100.0, minP.getSelection() / 100.0, repeat.getSelection() / 100.0,
						seed.getSelection());
	}

	private static Button button(Composite parent, String text, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** A server as chosen in the settings, to open. */
	private record Choice(String where, String serverModel, String typedKey) {
	}

	/** Opens the server at {@code where} in a job: its key comes from secure storage, off the UI thread. */
	private JobHandle<ChatModel> openServer(String where) {
		Choice choice = new Choice(where, serverModel.getText().strip(), takeTypedKey());
		return jobs.submit("Assistant: open " + where, context -> {
			context.begin("Opening " + where, 1);
			URI server = URI.create(choice.where());
			ChatModel opened = ChatModels.server(server, choice.serverModel().isEmpty() ? "default" : choice.serverModel(), key(server, choice.typedKey()));
			context.worked(1);
			return opened;
		});
	}

	/**
	 * The chosen GGUF file on the chosen device, from the embedded engine's service: nothing is read until the
	 * answer's job needs the model, which then loads in a job of its own.
	 *
	 * @throws ChatException when the engine's service is not running
	 */
	private LocalModel local(String where) throws ChatException {
		if (llm == null) {
			throw new ChatException("The embedded engine is not running: no GGUF model can be loaded.");
		}
		String chosenTokenizer = tokenizer.getText().strip();
		Path tokenizerFile = chosenTokenizer.isEmpty() ? null : Path.of(chosenTokenizer);
		if (tokenizerFile != null && !Files.isRegularFile(tokenizerFile)) {
			throw new ChatException("No such tokenizer file: " + tokenizerFile);
		}
		LocalModel local = llm.model(Path.of(where), tokenizerFile, template.getSelectionIndex() <= 0 ? null : template.getText(), deviceId(), CONTEXT);
		local.addListener(status -> ui(() -> {
			showStatus(local, status);
			if (status.state() == LocalModel.State.LOADED) {
				rememberTokenizer(where, chosenTokenizer);
			}
		}));
		return local;
	}

	/** The device id chosen in the list. */
	String deviceId() {
		return deviceIds.get(Math.max(0, device.getSelectionIndex()));
	}

	/** A local model's state above the footer, with the load's progress while it loads; another model's is ignored. */
	private void showStatus(LocalModel local, LocalModel.Status status) {
		if (model != local) {
			return;
		}
		modelStatus.setText(local.name() + ": " + status.message());
		boolean progress = status.state() == LocalModel.State.LOADING && !Double.isNaN(status.progress());
		loadProgress.setVisible(progress);
		if (progress) {
			loadProgress.setSelection((int) Math.round(status.progress() * 1000));
		}
	}

	/** The key typed into the field, which is then cleared when the workspace's secure storage will keep it. */
	private String takeTypedKey() {
		String typed = apiKey.getText().strip();
		if (!typed.isEmpty() && keys != null) {
			apiKey.setText("");
		}
		return typed;
	}

	/**
	 * The server's key, off the UI thread: one typed in is stored in the workspace's secure storage; otherwise the
	 * stored one, else $OPENAI_API_KEY.
	 */
	private String key(URI server, String typed) throws IOException {
		if (!typed.isEmpty()) {
			if (keys != null) {
				keys.put(server, typed);
			}
			return typed;
		}
		Optional<String> stored = keys == null ? Optional.empty() : keys.get(server);
		return stored.orElse(Optional.ofNullable(System.getenv("OPENAI_API_KEY")).orElse(""));
	}

	/** Uses this model (tests, or a model opened elsewhere) until the settings change. */
	void use(ChatModel chosen) {
		close();
		model = chosen;
		modelKey = settingsKey();
	}

	private String settingsKey() {
		return source.getSelectionIndex() + "|" + location.getText().strip() + "|" + tokenizer.getText().strip() + "|" + (template.getSelectionIndex() <= 0 ? null : template.getText())
				+ "|" + serverModel.getText() + "|" + deviceId();
	}

	/**
	 * Sends the input to the chosen model, then answers in a job: a server is opened first (in a job) when the
	 * settings changed since it was opened; a local model loads when the answer needs it.
	 */
	void send() {
		String text = input.getText().strip();
		if (text.isEmpty() || running != null || opening != null) {
			return;
		}
		if (model != null && settingsKey().equals(modelKey)) {
			answer(model, text);
			return;
		}
		String key = settingsKey();
		String where = location.getText().strip();
		if (where.isEmpty()) {
			footer.setText("Choose a model: a GGUF file, or a server's OpenAI base URL.");
			return;
		}
		if (source.getSelectionIndex() == 0) {
			LocalModel local;
			try {
				local = local(where);
			} catch (ChatException | RuntimeException e) {
				footer.setText(problem(e));
				return;
			}
			use(local);
			modelStatus.setText(local.name() + ": " + local.status().message());
			answer(local, text);
			return;
		}
		JobHandle<ChatModel> job = openServer(where);
		opening = job;
		send.setEnabled(false);
		stop.setEnabled(true);
		footer.setText("Opening the model…");
		job.result().whenComplete((opened, failure) -> sync.asyncExec(() -> {
			if (root.isDisposed()) {
				if (opened != null) {
					opened.close();
				}
				return;
			}
			opening = null;
			send.setEnabled(true);
			stop.setEnabled(false);
			Throwable cause = failure == null ? null : cause(failure);
			if (cause instanceof JobCancelledException) {
				footer.setText("Stopped.");
			} else if (cause != null) {
				footer.setText(problem(cause));
			} else {
				close();
				model = opened;
				modelKey = key;
				answer(opened, text);
			}
		}));
	}

	/**
	 * Answers in a job; the pieces stream into the transcript as written, and the finished answer's markdown is then
	 * shown rendered. The roles are in bold.
	 */
	private void answer(ChatModel chat, String text) {
		conversation.add(ChatMessage.user(text));
		input.setText("");
		transcript.append(transcript.getCharCount() == 0 ? "" : "\n\n");
		role("You");
		transcript.append(text + "\n\n");
		role(chat.name());
		int answerStart = transcript.getCharCount();
		List<ChatMessage> messages = List.copyOf(conversation);
		Sampling sampling = sampling();
		int limit = maxTokens.getSelection();
		StringBuilder answer = new StringBuilder();
		// what was generated before a Stop, whose figures the footer still shows
		AtomicReference<Usage> generated = new AtomicReference<>();
		running = jobs.submit("Assistant: " + chat.name(), context -> {
			context.begin("Answering", limit);
			Usage usage = chat.chat(messages, sampling, limit, piece -> {
				answer.append(piece);
				context.worked(1);
				ui(() -> {
					transcript.append(piece);
					transcript.setTopIndex(transcript.getLineCount() - 1);
				});
			}, context::isCancelled);
			generated.set(usage);
			return usage;
		});
		send.setEnabled(false);
		stop.setEnabled(true);
		footer.setText("Answering…");
		running.result().whenComplete((usage, failure) -> ui(() -> {
			showRendered(answerStart, answer.toString());
			finished(usage == null ? generated.get() : usage, failure, answer);
		}));
	}

	/** A speaker's name, in bold, and a colon. */
	private void role(String name) {
		int start = transcript.getCharCount();
		transcript.append(name + ": ");
		StyleRange bold = new StyleRange(start, name.length() + 1, null, null, SWT.BOLD);
		transcript.setStyleRange(bold);
	}

	/** Replaces the answer as streamed (from {@code start} to the end) with its markdown rendered. */
	void showRendered(int start, String markdown) {
		if (start > transcript.getCharCount()) {
			return; // the transcript was cleared meanwhile (New chat)
		}
		Markdown.Rendered rendered = Markdown.render(markdown);
		transcript.replaceTextRange(start, transcript.getCharCount() - start, rendered.text());
		for (StyleRange range : styles(start, rendered)) {
			transcript.setStyleRange(range);
		}
		transcript.setTopIndex(transcript.getLineCount() - 1);
	}

	/** The rendered spans as non-overlapping style ranges: a character takes every style of the spans that cover it. */
	private List<StyleRange> styles(int offset, Markdown.Rendered rendered) {
		int[] masks = new int[rendered.text().length()];
		for (Markdown.Span span : rendered.spans()) {
			for (int i = span.start(); i < span.start() + span.length(); i++) {
				masks[i] |= 1 << span.style().ordinal();
			}
		}
		List<StyleRange> ranges = new ArrayList<>();
		for (int i = 0; i < masks.length;) {
			int j = i;
			while (j < masks.length && masks[j] == masks[i]) {
				j++;
			}
			if (masks[i] != 0) {
				ranges.add(style(offset + i, j - i, masks[i]));
			}
			i = j;
		}
		return ranges;
	}

	private StyleRange style(int start, int length, int mask) {
		StyleRange range = new StyleRange();
		range.start = start;
		range.length = length;
		boolean code = (mask & (1 << Markdown.Style.CODE.ordinal() | 1 << Markdown.Style.CODE_BLOCK.ordinal())) != 0;
		if (code) {
			range.font = monospace();
			range.background = codeBackground();
		}
		if ((mask & (1 << Markdown.Style.BOLD.ordinal() | 1 << Markdown.Style.HEADING.ordinal())) != 0) {
			range.fontStyle |= SWT.BOLD;
		}
		if ((mask & 1 << Markdown.Style.ITALIC.ordinal()) != 0) {
			range.fontStyle |= SWT.ITALIC;
		}
		return range;
	}

	/** The transcript's size in a monospaced face, for code; made once and disposed with the transcript. */
	private Font monospace() {
		if (monospace == null) {
			monospace = new Font(transcript.getDisplay(), "Monospace", transcript.getFont().getFontData()[0].getHeight(), SWT.NORMAL);
			transcript.addListener(SWT.Dispose, e -> monospace.dispose());
		}
		return monospace;
	}

	/** Code's background: the transcript's own, faintly towards its text colour, so that it reads in either theme. */
	private Color codeBackground() {
		if (codeBackground == null) {
			codeBackground = new Color(transcript.getDisplay(), Axes.mix(transcript.getForeground().getRGB(), transcript.getBackground().getRGB(), 0.1));
		}
		return codeBackground;
	}

	/** Enter sends (as in chat programs); with Shift it is a new line, which the text field then inserts. */
	void enterSends(Event e) {
		if ((e.keyCode == SWT.CR || e.keyCode == SWT.KEYPAD_CR) && (e.stateMask & SWT.MODIFIER_MASK) == 0) {
			e.doit = false;
			send();
		}
	}

	private static String figures(Usage usage) {
		return usage.generatedTokens() == 0 ? "No answer." : String.format(Locale.ROOT, "%d tokens; first after %.0f ms; %.1f tokens/s; %s",
				usage.generatedTokens(), usage.timeToFirstTokenMillis(), usage.decodeTokensPerSecond(),
				Double.isNaN(usage.joulesPerToken()) ? "J/token n/a" : String.format(Locale.ROOT, "%.2f J/token", usage.joulesPerToken()));
	}

	private void finished(Usage usage, Throwable failure, StringBuilder answer) {
		running = null;
		send.setEnabled(true);
		stop.setEnabled(false);
		conversation.add(new ChatMessage("assistant", answer.toString()));
		Throwable cause = failure == null ? null : cause(failure);
		if (cause instanceof JobCancelledException) {
			footer.setText(usage == null ? "Stopped." : "Stopped: " + figures(usage));
		} else if (cause != null) {
			footer.setText(problem(cause));
		} else if (usage != null) {
			footer.setText(figures(usage));
		}
	}

	/** Whether the model is being opened or is answering: Stop (the button, the command and Esc) is enabled. */
	boolean canStop() {
		return running != null || opening != null;
	}

	/** Whether there is a question and nothing runs: Send (the button, the command and Ctrl+Enter) is enabled. */
	boolean canSend() {
		return !canStop() && input != null && !input.isDisposed() && !input.getText().isBlank();
	}

	/** Cancels the opening of the model or the answer. */
	void stop() {
		if (opening != null) {
			opening.cancel();
		}
		if (running != null) {
			running.cancel();
		}
	}

	/** The code blocks (``` fenced) of the last answer, joined. */
	static String codeBlocks(String answer) {
		StringBuilder code = new StringBuilder();
		Matcher m = CODE_BLOCK.matcher(answer);
		while (m.find()) {
			code.append(m.group(1));
		}
		return code.toString();
	}

	void copyCode() {
		String last = conversation.isEmpty() ? "" : conversation.get(conversation.size() - 1).content();
		String code = codeBlocks(last);
		if (code.isEmpty()) {
			footer.setText("The last answer has no code block.");
			return;
		}
		Clipboard clipboard = new Clipboard(root.getDisplay());
		try {
			clipboard.setContents(new Object[] { code }, new Transfer[] { TextTransfer.getInstance() });
			footer.setText("Copied " + code.lines().count() + " lines of code.");
		} finally {
			clipboard.dispose();
		}
	}

	void askAboutSelection() {
		if (selection == null) {
			footer.setText("Nothing is selected in the workbench.");
			return;
		}
		input.setText("About this:\n" + selection + "\n\n" + input.getText());
		input.setFocus();
	}

	@PreDestroy
	public void close() {
		if (model != null) {
			model.close();
			model = null;
		}
	}
}
