package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.atelier.diffusion.exec.ElementType;
import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.GraphSession;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.exec.Tensor;
import dev.atelier.diffusion.exec.TensorSpec;
import dev.atelier.diffusion.internal.pipeline.DiffusionModel;

/**
 * A diffusers ONNX pipeline folder as {@code atelier generate} opens it: model_index.json, the scheduler config, the
 * CLIP tokenizer's files, the VAE config, and the checks of each graph's inputs and outputs. The input is the folder
 * as text, each file after a line {@code === PATH} (only the pipeline's file names are taken). The graphs' inputs and
 * outputs come from their {@code model.onnx} text, one {@code in|out NAME TYPE DIM,DIM,…} a line, through an executor
 * standing in for ONNX Runtime (whose own protobuf parsing is not ours to fuzz).
 */
public final class DiffusersFolderTarget {

	static final List<String> FILES = List.of("model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
			"tokenizer/special_tokens_map.json", "vae_decoder/config.json", "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx");

	private DiffusersFolderTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(DiffusersFolderTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path folder = Contract.emptyFolder("pipeline");
		String path = null;
		StringBuilder content = new StringBuilder();
		for (String line : (new String(data, StandardCharsets.UTF_8) + "\n=== end").split("\n", -1)) {
			if (line.startsWith("=== ")) {
				if (path != null && FILES.contains(path)) {
					Files.createDirectories(folder.resolve(path).getParent());
					Files.writeString(folder.resolve(path), content);
				}
				path = line.substring(4).strip();
				content.setLength(0);
			} else {
				content.append(line).append('\n');
			}
		}
		String where = folder.toAbsolutePath().normalize().toString();
		Contract.refusesOnlyWith(List.of(IOException.class), () -> {
			try (DiffusionModel model = DiffusionModel.open(folder, new SpecExecutor(), Placement.cpu(1))) {
				model.tokenizer().encode("a photo of an astronaut riding a horse, ünï");
			}
		}, message -> message.contains(where), "does not name a file of the folder");
	}

	/** Graphs whose inputs and outputs are the lines of their file; they cannot run. */
	private static final class SpecExecutor implements GraphExecutor {
		@Override
		public String name() {
			return "specs";
		}

		@Override
		public Set<Placement.Kind> kinds() {
			return Set.of(Placement.Kind.CPU);
		}

		@Override
		public GraphSession open(Path model, Placement placement) throws IOException {
			List<TensorSpec> inputs = new ArrayList<>();
			List<TensorSpec> outputs = new ArrayList<>();
			for (String line : Files.readAllLines(model, StandardCharsets.ISO_8859_1)) {
				String[] w = line.strip().split("\\s+");
				if (w.length == 4 && (w[0].equals("in") || w[0].equals("out"))) {
					try {
						long[] shape = w[3].isEmpty() || w[3].equals("-") ? new long[0] : java.util.Arrays.stream(w[3].split(",")).mapToLong(Long::parseLong).toArray();
						ElementType type = java.util.Arrays.stream(ElementType.values()).filter(t -> t.toString().equals(w[2])).findFirst().orElse(ElementType.OTHER);
						(w[0].equals("in") ? inputs : outputs).add(new TensorSpec(w[1], type, shape));
					} catch (NumberFormatException e) {
						// not a spec line: ignored, as ONNX Runtime would not see it either
					}
				}
			}
			return new GraphSession() {
				@Override
				public Path file() {
					return model;
				}

				@Override
				public List<TensorSpec> inputs() {
					return inputs;
				}

				@Override
				public List<TensorSpec> outputs() {
					return outputs;
				}

				@Override
				public Map<String, Tensor> run(Map<String, Tensor> in, Set<String> wanted) {
					throw new UnsupportedOperationException("a graph of specs only");
				}

				@Override
				public Duration engineTime() {
					return Duration.ZERO;
				}

				@Override
				public void close() {
				}
			};
		}
	}
}
