package dev.atelier.diffusion.internal.ort;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.GraphSession;
import dev.atelier.diffusion.exec.Placement;

/**
 * The ONNX graph executor this product has. The bundle's import of ONNX Runtime is optional: the headless product
 * leaves the 54 MB library out, and there an ONNX pipeline folder is refused naming what is missing, while checkpoints
 * and everything else still run.
 */
public final class GraphExecutors {

	private GraphExecutors() {
	}

	/** ONNX Runtime where its classes resolve, else an executor that refuses every graph, saying why. */
	public static GraphExecutor onnx() {
		try {
			Class.forName("ai.onnxruntime.OrtEnvironment", false, GraphExecutors.class.getClassLoader());
		} catch (ClassNotFoundException | LinkageError e) {
			return MISSING;
		}
		return new OrtExecutor();
	}

	private static final GraphExecutor MISSING = new GraphExecutor() {
		@Override
		public String name() {
			return "none (ONNX Runtime is not in this product)";
		}

		@Override
		public Set<Placement.Kind> kinds() {
			return Set.of();
		}

		@Override
		public GraphSession open(Path model, Placement placement) throws IOException {
			throw new IOException(model + ": an ONNX graph, and this product has no ONNX Runtime (the headless product leaves it out):"
					+ " run ONNX pipeline folders in the IDE product, or use a .safetensors checkpoint");
		}
	};
}
