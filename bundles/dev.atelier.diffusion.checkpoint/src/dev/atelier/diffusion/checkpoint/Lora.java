package dev.atelier.diffusion.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.atelier.diffusion.checkpoint.internal.LoraMapping;
import dev.atelier.diffusion.checkpoint.internal.format.SafetensorsFile;

/**
 * A LoRA as kohya's scripts and AUTOMATIC1111 keep it in {@code .safetensors}: per layer, {@code NAME.lora_down.weight}
 * (rank × inputs, or rank × inputs × kh × kw for a convolution), {@code NAME.lora_up.weight} (outputs × rank, 1×1 for a
 * convolution) and optionally {@code NAME.alpha}, the layer named {@code lora_unet_…} (diffusers' or the ldm file's
 * module path), {@code lora_te_…}/{@code lora_te1_…} (the first text encoder) or {@code lora_te2_…} (SDXL's second), with
 * underscores for dots. Opened against a checkpoint, every layer is matched to one of its weights; a key that matches
 * none, or a layer whose factors do not fit the weight, refuses the whole file. The factors stay in the mapped file
 * until {@link #close()}.
 */
public final class Lora implements AutoCloseable {

	private static final String DOWN = ".lora_down.weight";
	private static final String UP = ".lora_up.weight";
	private static final String ALPHA = ".alpha";
	/** How many unmatched keys an error names. */
	private static final int NAMED = 5;

	/**
	 * One layer's low-rank update of checkpoint weight {@code weight}: {@code scale · up·down}, the scale being
	 * {@code alpha / rank} (1 without an alpha).
	 */
	public record Module(String key, String weight, Weight down, Weight up, double scale) {

		public int rank() {
			return (int) down.shape()[0];
		}

		/** Whether the layer is a text encoder's (else the UNet's). */
		public boolean textEncoder() {
			return !weight.startsWith("unet.");
		}

		/** {@code target += multiplier · scale · up·down}, target being the weight's values in its own row-major order. */
		public void addTo(float[] target, double multiplier) throws CheckpointException {
			int rank = rank();
			float[] d = down.toFloats();
			float[] u = up.toFloats();
			int cols = d.length / rank;
			int rows = u.length / rank;
			if ((long) rows * cols != target.length) {
				throw new IllegalArgumentException(key + ": " + rows + " × " + cols + " update for " + target.length + " values");
			}
			double factor = multiplier * scale;
			double[] row = new double[cols];
			for (int r = 0; r < rows; r++) {
				Arrays.fill(row, 0);
				for (int k = 0; k < rank; k++) {
					double a = u[r * rank + k];
					for (int c = 0; c < cols; c++) {
						row[c] += a * d[k * cols + c];
					}
				}
				for (int c = 0; c < cols; c++) {
					target[r * cols + c] += (float) (factor * row[c]);
				}
			}
		}
	}

	/** A LoRA at a weight for the text encoders' layers and one for the UNet's (AUTOMATIC1111's {@code <lora:name:te:unet>}). */
	public record Applied(Lora lora, double textWeight, double unetWeight) {

		public double weightOf(Module m) {
			return m.textEncoder() ? textWeight : unetWeight;
		}
	}

	private final Path file;
	private final List<Module> modules;
	private final AutoCloseable mapped;

	private Lora(Path file, List<Module> modules, AutoCloseable mapped) {
		this.file = file;
		this.modules = List.copyOf(modules);
		this.mapped = mapped;
	}

	/**
	 * The strings of a LoRA file's {@code __metadata__} (kohya's training notes: {@code ss_output_name}, …), without
	 * matching it to a checkpoint.
	 *
	 * @throws IOException naming the file where it is no readable safetensors file
	 */
	public static Map<String, String> metadata(Path file) throws IOException {
		try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
			return Map.copyOf(tensors.metadata());
		}
	}

	/**
	 * Reads {@code file} and matches it to {@code checkpoint}'s layers.
	 *
	 * @throws CheckpointException naming the file: unreadable, not kohya's layout, keys that match no layer of the
	 *                             checkpoint (the first few named), or factors of the wrong shape
	 */
	public static Lora open(Path file, Checkpoint checkpoint) throws CheckpointException {
		SafetensorsFile tensors;
		try {
			tensors = SafetensorsFile.open(file);
		} catch (CheckpointException e) {
			throw e;
		} catch (IOException e) {
			throw new CheckpointException(file, "cannot read the LoRA: " + e.getMessage(), e);
		}
		try {
			return new Lora(file, modules(file, tensors.tensors(), checkpoint), tensors);
		} catch (CheckpointException | RuntimeException e) {
			tensors.close();
			throw e;
		}
	}

	private static List<Module> modules(Path file, Map<String, StoredTensor> tensors, Checkpoint checkpoint) throws CheckpointException {
		Map<String, String> layers = LoraMapping.layers(checkpoint);
		Map<String, StoredTensor[]> byModule = new TreeMap<>();
		List<String> unmatched = new ArrayList<>();
		for (Map.Entry<String, StoredTensor> e : new TreeMap<>(tensors).entrySet()) {
			String key = e.getKey();
			int part = key.endsWith(DOWN) ? 0 : key.endsWith(UP) ? 1 : key.endsWith(ALPHA) ? 2 : -1;
			String module = part < 0 ? null : key.substring(0, key.length() - List.of(DOWN, UP, ALPHA).get(part).length());
			if (module == null || !layers.containsKey(module)) {
				unmatched.add(key);
				continue;
			}
			byModule.computeIfAbsent(module, m -> new StoredTensor[3])[part] = e.getValue();
		}
		if (!unmatched.isEmpty()) {
			throw new CheckpointException(file, unmatched.size() + " of its " + tensors.size() + " keys match no layer of " + checkpoint.source().getFileName()
					+ " (" + checkpoint.family().displayName() + "), e.g. " + String.join(", ", unmatched.subList(0, Math.min(NAMED, unmatched.size())))
					+ ": a LoRA for another model, or not in kohya's layout (lora_unet_…/lora_te_….lora_down.weight, .lora_up.weight, .alpha)");
		}
		if (byModule.isEmpty()) {
			throw new CheckpointException(file, "no LoRA layers (kohya's NAME.lora_down.weight and NAME.lora_up.weight)");
		}
		List<Module> modules = new ArrayList<>();
		for (Map.Entry<String, StoredTensor[]> e : byModule.entrySet()) {
			String weight = layers.get(e.getKey());
			modules.add(module(file, e.getKey(), e.getValue(), weight, checkpoint.weights().get(weight)));
		}
		return modules;
	}

	private static Module module(Path file, String name, StoredTensor[] parts, String weight, Weight target) throws CheckpointException {
		if (parts[0] == null || parts[1] == null) {
			throw new CheckpointException(file, name + " has no " + (parts[0] == null ? DOWN : UP).substring(1));
		}
		long[] down = parts[0].shape();
		long[] up = parts[1].shape();
		long[] shape = target.shape();
		long rank = down.length > 0 ? down[0] : 0;
		long inputs = target.elements() / shape[0];
		boolean fits = rank > 0 && up.length >= 2 && up[0] == shape[0] && up[1] == rank && parts[1].elements() == shape[0] * rank
				&& parts[0].elements() == rank * inputs && parts[0].dtype().isWeightType() && parts[1].dtype().isWeightType();
		if (!fits) {
			throw new CheckpointException(file, name + ": factors down " + StoredTensor.shapeText(down) + " " + parts[0].dtype() + " and up "
					+ StoredTensor.shapeText(up) + " " + parts[1].dtype() + " do not make an update of " + weight + " " + StoredTensor.shapeText(shape));
		}
		double scale = 1;
		if (parts[2] != null) {
			if (parts[2].elements() != 1 || !parts[2].dtype().isWeightType()) {
				throw new CheckpointException(file, name + ALPHA + " is not one number");
			}
			scale = Weight.of(name + ALPHA, parts[2]).toFloats()[0] / rank;
		}
		return new Module(name, weight, Weight.of(name + DOWN, parts[0]), Weight.of(name + UP, parts[1]), scale);
	}

	public Path file() {
		return file;
	}

	public List<Module> modules() {
		return modules;
	}

	/** Unmaps the file; the modules' factors cannot be read after. */
	@Override
	public void close() {
		try {
			mapped.close();
		} catch (Exception e) {
			// a read-only mapping: nothing to lose on close
		}
	}
}
