package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.llama2c.Llama2cCheckpoint;

/** A llama2.c {@code .bin} checkpoint: its header, the config it gives, the weights' layout. */
public final class Llama2cCheckpointTarget {

	private Llama2cCheckpointTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(Llama2cCheckpointTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("model.bin", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class, ModelFormatException.class), () -> Llama2cCheckpoint.open(file).close());
	}
}
