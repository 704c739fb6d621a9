package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Real model files under {@code $ATELIER_TESTDATA}: tests skip, saying so, where it is unset, and fail where it is set but unreadable. */
final class TestData {

	private TestData() {
	}

	static Path llm(String name) {
		String root = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(root != null && !root.isBlank(), "ATELIER_TESTDATA is not set: skipping the test on " + name);
		Path file = Path.of(root, "llm", name);
		assertTrue(Files.isReadable(file), "ATELIER_TESTDATA is set but " + file + " cannot be read");
		return file;
	}
}
