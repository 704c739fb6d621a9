package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.internal.Loader;
import dev.atelier.diffusion.checkpoint.internal.format.TensorFile;

/**
 * A weights file as {@code atelier generate --model FILE} opens it: the file's tensors, each one's bytes read (that is
 * where a {@code .ckpt} reads its storages), then the whole checkpoint detected and mapped.
 */
final class CheckpointFiles {

	private CheckpointFiles() {
	}

	static void open(String name, byte[] data) throws IOException {
		open(Contract.write(name, data));
	}

	static void open(Path file) {
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> {
			try (TensorFile tensors = Loader.openFile(file)) {
				for (StoredTensor t : tensors.tensors().values()) {
					if (t.data().byteSize() != t.elements() * t.dtype().bytes()) {
						throw new IllegalStateException(t.key() + ": " + t.data().byteSize() + " bytes for " + t.elements() + " elements");
					}
				}
			}
			Checkpoint.open(file, null).close();
		});
	}
}
