package dev.atelier.diffusion.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One loaded ONNX graph, ready to run. Not thread-safe: one run at a time. */
public interface GraphSession extends AutoCloseable {

	Path file();

	List<TensorSpec> inputs();

	List<TensorSpec> outputs();

	default Optional<TensorSpec> input(String name) {
		return inputs().stream().filter(t -> t.name().equals(name)).findFirst();
	}

	default Optional<TensorSpec> output(String name) {
		return outputs().stream().filter(t -> t.name().equals(name)).findFirst();
	}

	/**
	 * Runs the graph; returns the {@code wanted} outputs.
	 *
	 * @throws IOException naming the graph's file when the engine fails (a shape it rejects, out of memory)
	 */
	Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> wanted) throws IOException;

	/** The time spent inside the engine's own run call so far, without our copies in and out. */
	Duration engineTime();

	@Override
	void close();
}
