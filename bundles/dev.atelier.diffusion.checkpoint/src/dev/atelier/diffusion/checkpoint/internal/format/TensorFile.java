package dev.atelier.diffusion.checkpoint.internal.format;

import java.nio.file.Path;
import java.util.Map;

import dev.atelier.diffusion.checkpoint.StoredTensor;

/** An opened weights file: its tensors by key, in file order; closing it unmaps or closes what backs their data. */
public interface TensorFile extends AutoCloseable {

	Path file();

	Map<String, StoredTensor> tensors();

	@Override
	void close();
}
