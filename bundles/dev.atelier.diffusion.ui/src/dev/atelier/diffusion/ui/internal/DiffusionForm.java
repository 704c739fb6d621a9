package dev.atelier.diffusion.ui.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;

import dev.atelier.diffusion.ControlChoice;
import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.LoraChoice;
import dev.atelier.diffusion.Sampler;

/**
 * The Diffusion view's form: the controls of a {@link GenerationRequest} — with {@code atelier generate}'s LoRAs,
 * ControlNet, mask, VAE and tiled VAE, which it turns into a request through the same {@link GenerationOptions} as the
 * command line — the model (a checkpoint file or a pipeline folder) and the device. It turns its values into a request
 * ({@link #request()}) and a request into its values ({@link #show}); every edit is reported to the view, which validates.
 */
final class DiffusionForm {

	static final String CUSTOM_SIZE = "Custom";
	private static final String RANDOM = Long.toString(GenerationRequest.RANDOM_SEED);

	private final Composite root;
	private final Runnable changed;
	private final Consumer<String> modelChosen;

	Text prompt;
	Text negativePrompt;
	Combo sampler;
	Spinner steps;
	Spinner cfgScale;
	Text seed;
	/** Checked while the seed is -1: every job draws its own. */
	Button random;
	Button dice;
	Button reuseSeed;
	/** The seed the last job drawn or given used; null before the first job. */
	private Long lastSeed;
	Combo size;
	Spinner width;
	Spinner height;
	Spinner batch;
	/** A checkpoint file or pipeline folder: the models folder's {@code checkpoints/} are offered, any may be typed or browsed to. */
	Combo model;
	Combo device;
	Text initImage;
	Spinner strength;
	/** Inpainting: where the init image is repainted. */
	Text mask;
	/** A LoRA to add (the models folder's {@code loras/} are offered) at {@link #loraWeight}. */
	Combo loraChoice;
	/** In hundredths. */
	Spinner loraWeight;
	Button addLora;
	Button removeLora;
	/** The LoRAs added, shown by name and weight; {@link #loraSpecs} holds them as {@code FILE:W}. */
	org.eclipse.swt.widgets.List loras;
	final List<String> loraSpecs = new ArrayList<>();
	/** A ControlNet file or a name in {@code models/controlnet}; empty for none. */
	Combo controlNet;
	Text controlImage;
	/** In hundredths, as are start and end. */
	Spinner controlStrength;
	Spinner controlStart;
	Spinner controlEnd;
	Button canny;
	/** A VAE file or a name in {@code models/vae}; empty for the checkpoint's own. */
	Combo vae;
	Button tileVae;

	/**
	 * Makes the form's controls in {@code form} (three grid columns).
	 *
	 * @param changed runs after every edit
	 * @param modelChosen takes a model chosen with File… or Folder…
	 */
	DiffusionForm(Composite form, String lastModel, Runnable changed, Consumer<String> modelChosen) {
		this.root = form;
		this.changed = changed;
		this.modelChosen = modelChosen;
		form.setLayout(new GridLayout(3, false));
		prompt = text(form, "Prompt", SWT.MULTI | SWT.WRAP | SWT.V_SCROLL, 60);
		prompt.setMessage("what to draw");
		negativePrompt = text(form, "Negative prompt", SWT.MULTI | SWT.WRAP, 34);
		negativePrompt.setMessage("what to keep out");

		label(form, "Sampler");
		sampler = new Combo(form, SWT.READ_ONLY);
		for (Sampler s : Sampler.values()) {
			sampler.add(s.displayName());
		}
		sampler.select(Sampler.EULER_A.ordinal());
		sampler.setLayoutData(span(2));

		Composite stepsRow = row(form, "Steps");
		steps = spinner(stepsRow, 20, 1, 1000, 0, 1);
		label(stepsRow, "CFG scale");
		cfgScale = spinner(stepsRow, 750, 0, 10_000, 2, 50);
		cfgScale.setToolTipText("How strongly the prompt steers (1 or less: unguided)");

		Composite seedRow = row(form, "Seed");
		seed = new Text(seedRow, SWT.BORDER);
		seed.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		seed.setToolTipText("-1: a fresh random seed for every job (written into the PNG and the job record)");
		seed.setText(RANDOM);
		random = new Button(seedRow, SWT.CHECK);
		random.setText("Random");
		random.setToolTipText("Draw a fresh seed for every job");
		random.setSelection(true);
		random.addListener(SWT.Selection, e -> seed.setText(random.getSelection() ? RANDOM
				: Long.toString(lastSeed == null ? ThreadLocalRandom.current().nextLong(GenerationRequest.SEED_BOUND) : lastSeed)));
		dice = button(seedRow, "Dice", () -> seed.setText(RANDOM));
		dice.setToolTipText("Random seed (-1): a fresh one for every job");
		reuseSeed = button(seedRow, "Reuse last seed", () -> seed.setText(Long.toString(lastSeed)));
		reuseSeed.setToolTipText("The seed of the last job queued");
		reuseSeed.setEnabled(false);
		seed.addListener(SWT.Modify, e -> random.setSelection(seed.getText().strip().equals(RANDOM)));

		label(form, "Size");
		size = new Combo(form, SWT.READ_ONLY);
		size.setLayoutData(new GridData(SWT.BEGINNING, SWT.CENTER, false, false, 2, 1));
		size.setItems(SizePreset.labels());
		size.add(CUSTOM_SIZE);
		size.setToolTipText("Width x height; both must be multiples of 8");
		size.addListener(SWT.Selection, e -> {
			if (size.getSelectionIndex() < SizePreset.COMMON.size()) {
				SizePreset p = SizePreset.parse(size.getText());
				width.setSelection(p.width());
				height.setSelection(p.height());
				changed.run();
			}
		});
		Composite sizeRow = row(form, "Width × height");
		width = spinner(sizeRow, 512, 8, GenerationRequest.MAX_SIZE, 0, 8);
		width.setToolTipText("Width");
		label(sizeRow, "×");
		height = spinner(sizeRow, 512, 8, GenerationRequest.MAX_SIZE, 0, 8);
		height.setToolTipText("Height");
		width.addListener(SWT.Modify, e -> syncSizeCombo());
		height.addListener(SWT.Modify, e -> syncSizeCombo());
		syncSizeCombo();

		Composite batchRow = row(form, "Batch");
		batch = spinner(batchRow, 1, 1, GenerationRequest.MAX_BATCH, 0, 1);
		label(batchRow, "Device");
		device = new Combo(batchRow, SWT.READ_ONLY);

		label(form, "Model (file or folder)");
		model = new Combo(form, SWT.DROP_DOWN);
		model.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		model.setText(lastModel);
		Composite browseModel = new Composite(form, SWT.NONE);
		browseModel.setLayout(tight(2, true));
		button(browseModel, "File…", this::browseModelFile).setToolTipText("A checkpoint file (.safetensors, .ckpt)");
		button(browseModel, "Folder…", this::browseModelFolder).setToolTipText("A pipeline folder (diffusers or ONNX, with model_index.json)");

		initImage = file(form, "Init image", "none: text to image", "An image to start from (image to image); empty for text to image");
		Composite strengthRow = row(form, "Strength");
		strength = spinner(strengthRow, 75, 1, 100, 2, 5);
		strength.setToolTipText("How much of the init image is replaced");
		initImage.addListener(SWT.Modify, e -> strength.setEnabled(!initImage.getText().isBlank()));
		strength.setEnabled(false);
		mask = file(form, "Mask", "none", "Inpainting: the init image is repainted where this image is white and kept where it is black "
				+ "(an inpainting checkpoint)");
		createLoras(form);
		createControlNet(form);
		label(form, "VAE");
		vae = new Combo(form, SWT.DROP_DOWN);
		vae.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		vae.setToolTipText("A VAE that replaces the checkpoint's own; empty for its own");
		browse(form, vae::setText, "*.safetensors;*.ckpt;*.pt");
		label(form, "");
		tileVae = new Button(form, SWT.CHECK);
		tileVae.setText("Tiled VAE");
		tileVae.setToolTipText("Decode (and encode the init image) in overlapping tiles, for images beyond what one pass fits in memory");
		tileVae.setLayoutData(span(2));
		for (Text t : new Text[] { prompt, negativePrompt, seed, initImage, mask, controlImage }) {
			t.addListener(SWT.Modify, e -> changed.run());
		}
		for (Spinner s : new Spinner[] { steps, cfgScale, width, height, batch, strength, controlStrength, controlStart, controlEnd }) {
			s.addListener(SWT.Modify, e -> changed.run());
		}
		for (Combo c : new Combo[] { controlNet, vae }) {
			c.addListener(SWT.Modify, e -> changed.run());
		}
		for (Button b : new Button[] { canny, tileVae }) {
			b.addListener(SWT.Selection, e -> changed.run());
		}
	}

	/** LoRAs: one chosen with its weight is added to the list, which Remove takes the selected ones out of. */
	private void createLoras(Composite form) {
		Composite pick = row(form, "LoRA", 3);
		loraChoice = new Combo(pick, SWT.DROP_DOWN);
		loraChoice.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		loraChoice.setToolTipText("A LoRA file (kohya/AUTOMATIC1111 .safetensors) to add; a prompt's <lora:NAME:W> takes NAME from the models folder's loras/");
		loraWeight = spinner(pick, 100, -500, 500, 2, 5);
		loraWeight.setToolTipText("Its weight");
		addLora = button(pick, "Add", () -> {
			String file = loraChoice.getText().strip();
			if (!file.isEmpty()) {
				addLora(file + ":" + loraWeight.getSelection() / 100.0);
			}
		});
		Composite list = row(form, "", 2);
		loras = new org.eclipse.swt.widgets.List(list, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
		GridData data = new GridData(SWT.FILL, SWT.CENTER, true, false);
		data.heightHint = 40;
		loras.setLayoutData(data);
		loras.setToolTipText("The LoRAs merged into the model, with their weights");
		removeLora = button(list, "Remove", () -> {
			int[] chosen = loras.getSelectionIndices();
			for (int i = chosen.length - 1; i >= 0; i--) {
				loraSpecs.remove(chosen[i]);
			}
			showLoras();
			changed.run();
		});
	}

	/** Adds a LoRA as {@code FILE:W}. */
	void addLora(String spec) {
		loraSpecs.add(spec);
		showLoras();
		changed.run();
	}

	private void showLoras() {
		loras.setItems(loraSpecs.stream().map(spec -> {
			try {
				LoraChoice l = LoraChoice.parse(spec);
				return l.name() + "  " + l.weight();
			} catch (RuntimeException e) {
				return spec;
			}
		}).toArray(String[]::new));
	}

	/** A ControlNet (none while empty), its control image, strength, start and end, and canny. */
	private void createControlNet(Composite form) {
		label(form, "ControlNet");
		controlNet = new Combo(form, SWT.DROP_DOWN);
		controlNet.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		controlNet.setToolTipText("An SD 1.5 ControlNet (.safetensors, .pth); empty for none");
		browse(form, controlNet::setText, "*.safetensors;*.pth;*.ckpt");
		controlImage = file(form, "Control image", "what the ControlNet follows", "Cropped to the image's aspect and resized to its size");
		Composite settings = row(form, "Control strength");
		controlStrength = spinner(settings, 100, 0, (int) (ControlChoice.MAX_STRENGTH * 100), 2, 5);
		controlStrength.setToolTipText("The ControlNet's weight, 0..2");
		label(settings, "Start");
		controlStart = spinner(settings, 0, 0, 100, 2, 5);
		controlStart.setToolTipText("The fraction of the steps after which the ControlNet starts");
		label(settings, "End");
		controlEnd = spinner(settings, 100, 0, 100, 2, 5);
		controlEnd.setToolTipText("The fraction of the steps after which it stops");
		label(form, "");
		canny = new Button(form, SWT.CHECK);
		canny.setText("Canny edges first");
		canny.setToolTipText("Turn the control image into canny edges (thresholds 100/200) before the ControlNet sees it");
		canny.setLayoutData(span(2));
	}

	/** A labelled path field with its Browse… button for an image. */
	private Text file(Composite form, String name, String message, String tooltip) {
		label(form, name);
		Text text = new Text(form, SWT.BORDER);
		text.setMessage(message);
		text.setToolTipText(tooltip);
		text.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		browse(form, text::setText, "*.png;*.jpg;*.jpeg");
		return text;
	}

	private void browse(Composite form, Consumer<String> chosen, String extensions) {
		button(form, "Browse…", () -> {
			FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
			dialog.setFilterExtensions(new String[] { extensions, "*" });
			String file = dialog.open();
			if (file != null) {
				chosen.accept(file);
			}
		});
	}

	/** A form row: its label, then a composite across the other two columns for several controls. */
	private static Composite row(Composite form, String name) {
		return row(form, name, 5);
	}

	private static Composite row(Composite form, String name, int columns) {
		label(form, name);
		Composite row = new Composite(form, SWT.NONE);
		row.setLayout(tight(columns, false));
		row.setLayoutData(span(2));
		return row;
	}

	/** A grid without margins, for controls side by side in one cell of the form. */
	private static GridLayout tight(int columns, boolean equalWidth) {
		GridLayout layout = new GridLayout(columns, equalWidth);
		layout.marginWidth = 0;
		layout.marginHeight = 0;
		return layout;
	}

	private static Label label(Composite parent, String text) {
		Label label = new Label(parent, SWT.NONE);
		label.setText(text);
		return label;
	}

	private static GridData span(int columns) {
		return new GridData(SWT.FILL, SWT.CENTER, true, false, columns, 1);
	}

	private static Text text(Composite parent, String name, int style, int heightHint) {
		label(parent, name).setLayoutData(new GridData(SWT.BEGINNING, SWT.TOP, false, false));
		Text text = new Text(parent, SWT.BORDER | style);
		GridData data = span(2);
		data.heightHint = heightHint;
		data.widthHint = 260;
		text.setLayoutData(data);
		return text;
	}

	private static Spinner spinner(Composite parent, int value, int min, int max, int digits, int increment) {
		Spinner spinner = new Spinner(parent, SWT.BORDER);
		spinner.setValues(value, min, max, digits, increment, increment * 10);
		return spinner;
	}

	static Button button(Composite parent, String text, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** The seed a queued job used, offered by Reuse last seed. */
	void usedSeed(long used) {
		lastSeed = used;
		reuseSeed.setEnabled(true);
		reuseSeed.setToolTipText("Seed " + used + ", of the last job queued");
	}

	/** Offers these device ids, keeping the one chosen where it is still offered, else the CPU. */
	void offerDevices(List<String> ids) {
		String before = device.getText();
		device.setItems(ids.toArray(String[]::new));
		int keep = ids.indexOf(before.isEmpty() ? "cpu" : before);
		device.select(keep >= 0 ? keep : Math.max(0, ids.indexOf("cpu")));
	}

	/** The size combo names the common size the spinners show, else "Custom". */
	private void syncSizeCombo() {
		int index = SizePreset.common(width.getSelection(), height.getSelection()).map(SizePreset.COMMON::indexOf).orElse(SizePreset.COMMON.size());
		if (size.getSelectionIndex() != index) {
			size.select(index);
		}
	}

	/**
	 * The request the form describes, made without looking at the files it names (the view checks them off the UI
	 * thread: {@link GenerationOptions#missingFile}).
	 *
	 * @throws IllegalArgumentException with {@link GenerationRequest}'s or {@link GenerationOptions}'s message (or the
	 *                                  seed's or a path's)
	 */
	GenerationRequest request() {
		long seedValue;
		try {
			seedValue = Long.parseLong(seed.getText().strip());
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("the seed must be a whole number, not '" + seed.getText().strip() + "'");
		}
		GenerationRequest base = new GenerationRequest(prompt.getText(), negativePrompt.getText(), Sampler.values()[sampler.getSelectionIndex()],
				steps.getSelection(), cfgScale.getSelection() / 100.0, seedValue, width.getSelection(), height.getSelection(), batch.getSelection(),
				path("init image", initImage.getText()), strength.getSelection() / 100.0);
		return options().unchecked(base, GenerationOptions.Names.VIEW);
	}

	/** The LoRA, ControlNet, mask and VAE choices, as the command line's options would give them. */
	GenerationOptions options() {
		return new GenerationOptions(loraSpecs, path("ControlNet", controlNet.getText()), path("control image", controlImage.getText()),
				controlStrength.getSelection() / 100.0, controlStart.getSelection() / 100.0, controlEnd.getSelection() / 100.0, canny.getSelection(),
				path("mask", mask.getText()), path("VAE", vae.getText()), tileVae.getSelection());
	}

	/** A field's path; null where it is empty. */
	private static Path path(String what, String text) {
		String given = text.strip();
		if (given.isEmpty()) {
			return null;
		}
		try {
			return Path.of(given);
		} catch (InvalidPathException e) {
			throw new IllegalArgumentException(what + ": " + e.getMessage());
		}
	}

	/** Puts a request's values into the form. */
	void show(GenerationRequest r) {
		show(r, GenerationOptions.of(r));
	}

	/** Puts a request's values into the form, with these LoRA, ControlNet, mask and VAE choices. */
	void show(GenerationRequest r, GenerationOptions o) {
		prompt.setText(r.prompt());
		negativePrompt.setText(r.negativePrompt());
		sampler.select(r.sampler().ordinal());
		steps.setSelection(r.steps());
		cfgScale.setSelection((int) Math.round(r.cfgScale() * 100));
		seed.setText(Long.toString(r.seed()));
		width.setSelection(r.width());
		height.setSelection(r.height());
		syncSizeCombo();
		batch.setSelection(r.batch());
		initImage.setText(r.initImage() == null ? "" : r.initImage().toString());
		strength.setSelection((int) Math.round(r.strength() * 100));
		strength.setEnabled(r.initImage() != null);
		loraSpecs.clear();
		loraSpecs.addAll(o.loras());
		showLoras();
		controlNet.setText(text(o.controlNet()));
		controlImage.setText(text(o.controlImage()));
		controlStrength.setSelection((int) Math.round(o.controlStrength() * 100));
		controlStart.setSelection((int) Math.round(o.controlStart() * 100));
		controlEnd.setSelection((int) Math.round(o.controlEnd() * 100));
		canny.setSelection(o.canny());
		mask.setText(text(o.mask()));
		vae.setText(text(o.vae()));
		tileVae.setSelection(o.tileVae());
		changed.run();
	}

	private static String text(Path p) {
		return p == null ? "" : p.toString();
	}

	private void browseModelFile() {
		FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
		dialog.setFilterExtensions(new String[] { "*.safetensors;*.ckpt", "*" });
		chooseModel(dialog.open());
	}

	private void browseModelFolder() {
		DirectoryDialog dialog = new DirectoryDialog(root.getShell());
		dialog.setMessage("A Stable Diffusion pipeline folder (diffusers or ONNX, with model_index.json)");
		String current = model.getText().strip();
		if (!current.isEmpty()) {
			dialog.setFilterPath(current);
		}
		chooseModel(dialog.open());
	}

	private void chooseModel(String chosen) {
		if (chosen != null) {
			model.setText(chosen);
			modelChosen.accept(chosen);
		}
	}

}
