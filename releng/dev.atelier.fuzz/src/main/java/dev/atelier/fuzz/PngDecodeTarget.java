package dev.atelier.fuzz;

import java.io.IOException;
import java.util.List;

import dev.atelier.core.outputs.PngDecoder;

/** A PNG's pixels as the Gallery, img2img and the server's init images decode them (at most 4 M pixels, as a bound). */
public final class PngDecodeTarget {

	private PngDecodeTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(PngDecodeTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) {
		Contract.refusesOnlyWith(List.of(IOException.class), () -> PngDecoder.decode(data, "image.png", 4L << 20),
				message -> message.startsWith("image.png: "), "does not name the image");
	}
}
