package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.internal.ort.OrtExecutor;

/** The tiny random-weight pipeline committed in fixture/tiny-sd (made by releng/diffusion/make_tiny_sd.py). */
final class Fixture {

	/** Tests run in the test bundle's folder. */
	static final Path TINY = Path.of("fixture", "tiny-sd").toAbsolutePath();

	private Fixture() {
	}

	static DiffusionModel open() throws IOException {
		return DiffusionModel.open(TINY, new OrtExecutor(), Placement.cpu(2));
	}

	/** A writable copy of the fixture, to break. */
	static Path copy(Path into) throws IOException {
		Path target = into.resolve("tiny-sd");
		try (Stream<Path> files = Files.walk(TINY)) {
			for (Path f : files.toList()) {
				Path t = target.resolve(TINY.relativize(f).toString());
				if (Files.isDirectory(f)) {
					Files.createDirectories(t);
				} else {
					Files.copy(f, t);
				}
			}
		}
		return target;
	}
}
