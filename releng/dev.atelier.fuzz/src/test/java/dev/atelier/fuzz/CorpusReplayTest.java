package dev.atelier.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The CI's short fuzzing run: every committed corpus input (the seeds and what the fuzzer kept, findings included) goes
 * through its target again, which must accept it or refuse it with the parser's documented error naming the file.
 */
class CorpusReplayTest {

	private static final Path CORPUS = Path.of(System.getProperty("atelier.fuzz.corpus", "corpus"));

	@TestFactory
	Stream<DynamicNode> everyCorpusInputIsAcceptedOrRefusedWithItsDocumentedError() {
		return Targets.all().entrySet().stream().map(target -> {
			List<Path> inputs = inputs(target.getKey());
			MethodHandle fuzz = handle(target.getValue());
			return DynamicContainer.dynamicContainer(target.getKey(), Stream.concat(
					Stream.of(DynamicTest.dynamicTest("has a corpus", () -> assertFalse(inputs.isEmpty(), CORPUS.resolve(target.getKey()) + " is empty"))),
					inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(),
							() -> assertDoesNotThrow(() -> {
								fuzz.invokeExact(Files.readAllBytes(input));
							}, input.toString())))));
		});
	}

	private static List<Path> inputs(String target) {
		Path dir = CORPUS.resolve(target);
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(Files::isRegularFile).sorted().toList();
		} catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static MethodHandle handle(String className) {
		try {
			return MethodHandles.publicLookup().findStatic(Class.forName(className), "fuzzerTestOneInput",
					MethodType.methodType(void.class, byte[].class));
		} catch (ReflectiveOperationException e) {
			throw new IllegalStateException(className + " is not a fuzz target", e);
		}
	}
}
