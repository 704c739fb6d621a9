package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.core.outputs.PngInfo;

/** A PNG's text chunks (tEXt, zTXt, iTXt) as the Gallery and {@code atelier} read an image's parameters. */
public final class PngTarget {

	private PngTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(PngTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("image.png", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> PngInfo.read(file));
	}
}
