package dev.atelier.diffusion.ui.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;

/**
 * The Diffusion view's form: the controls of a {@link GenerationRequest}, the model folder and the device. It turns
 * its values into a request ({@link #request()}) and a request into its values ({@link #show}); every edit is
 * reported to the view, which validates.
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
	/** A pipeline folder: the models folder's {@code checkpoints/} are offered, any folder may be typed or browsed to. */
	Combo modelFolder;
	Combo device;
	Text initImage;
	Spinner strength;

	/**
	 * Makes the form's controls in {@code form} (three grid columns).
	 *
	 * @param changed runs after every edit
	 * @param modelChosen takes a model folder chosen with Browse…
	 */
	DiffusionForm(Composite form, String lastModelFolder, Runnable changed, Consumer<String> modelChosen) {
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

		label(form, "Model folder");
		modelFolder = new Combo(form, SWT.DROP_DOWN);
		modelFolder.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		modelFolder.setText(lastModelFolder);
		button(form, "Browse…", this::browseModel);

		label(form, "Init image");
		initImage = new Text(form, SWT.BORDER);
		initImage.setMessage("none: text to image");
		initImage.setToolTipText("An image to start from (image to image); empty for text to image");
		initImage.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		button(form, "Browse…", () -> {
			FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
			dialog.setFilterExtensions(new String[] { "*.png;*.jpg;*.jpeg", "*" });
			String chosen = dialog.open();
			if (chosen != null) {
				initImage.setText(chosen);
			}
		});
		Composite strengthRow = row(form, "Strength");
		strength = spinner(strengthRow, 75, 1, 100, 2, 5);
		strength.setToolTipText("How much of the init image is replaced");
		initImage.addListener(SWT.Modify, e -> strength.setEnabled(!initImage.getText().isBlank()));
		strength.setEnabled(false);
		for (Text t : new Text[] { prompt, negativePrompt, seed, initImage }) {
			t.addListener(SWT.Modify, e -> changed.run());
		}
		for (Spinner s : new Spinner[] { steps, cfgScale, width, height, batch, strength }) {
			s.addListener(SWT.Modify, e -> changed.run());
		}
	}

	/** A form row: its label, then a composite across the other two columns for several controls. */
	private static Composite row(Composite form, String name) {
		label(form, name);
		Composite row = new Composite(form, SWT.NONE);
		GridLayout layout = new GridLayout(5, false);
		layout.marginWidth = 0;
		layout.marginHeight = 0;
		row.setLayout(layout);
		row.setLayoutData(span(2));
		return row;
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
	 * The request the form describes.
	 *
	 * @throws IllegalArgumentException with {@link GenerationRequest}'s message (or the seed's or init image's)
	 */
	GenerationRequest request() {
		long seedValue;
		try {
			seedValue = Long.parseLong(seed.getText().strip());
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("the seed must be a whole number, not '" + seed.getText().strip() + "'");
		}
		Path init = null;
		String initText = initImage.getText().strip();
		if (!initText.isEmpty()) {
			try {
				init = Path.of(initText);
			} catch (InvalidPathException e) {
				throw new IllegalArgumentException("init image: " + e.getMessage());
			}
		}
		return new GenerationRequest(prompt.getText(), negativePrompt.getText(), Sampler.values()[sampler.getSelectionIndex()], steps.getSelection(),
				cfgScale.getSelection() / 100.0, seedValue, width.getSelection(), height.getSelection(), batch.getSelection(), init,
				strength.getSelection() / 100.0);
	}

	/** Puts a request's values into the form. */
	void show(GenerationRequest r) {
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
		changed.run();
	}


	private void browseModel() {
		DirectoryDialog dialog = new DirectoryDialog(root.getShell());
		dialog.setMessage("A Stable Diffusion model folder in ONNX form");
		String current = modelFolder.getText().strip();
		if (!current.isEmpty()) {
			dialog.setFilterPath(current);
		}
		String chosen = dialog.open();
		if (chosen != null) {
			modelFolder.setText(chosen);
			modelChosen.accept(chosen);
		}
	}

}
