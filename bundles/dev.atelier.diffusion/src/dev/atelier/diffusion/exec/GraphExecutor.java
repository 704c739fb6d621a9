package dev.atelier.diffusion.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Runs ONNX graphs. ONNX Runtime on the CPU is the reference implementation; another executor (our own CUDA one)
 * runs the same graphs and is checked against it tensor by tensor.
 */
public interface GraphExecutor {

	String name();

	/** The placements this executor can run on here, e.g. {@code cpu}, {@code cuda}. */
	Set<Placement.Kind> kinds();

	/**
	 * Loads a graph.
	 *
	 * @throws IOException naming the file when it is missing, unreadable or not a valid graph
	 */
	GraphSession open(Path model, Placement placement) throws IOException;
}
