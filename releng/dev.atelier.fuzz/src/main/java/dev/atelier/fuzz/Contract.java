package dev.atelier.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every target holds a parser to: it accepts an input, or refuses it with one of its documented exceptions whose
 * message names the file (or, for a request, the problem). Anything else thrown — another exception, an error, a
 * message that does not say where — leaves the target as a {@link Finding}; hangs and memory beyond the fuzzing JVM's
 * heap are the fuzzer's to catch (run.sh's per-input timeout and -Xmx).
 */
public final class Contract {

	/** A parser broke the contract: the message says how, the cause is what it threw. */
	static final class Finding extends RuntimeException {
		private static final long serialVersionUID = 1L;

		Finding(String message, Throwable cause) {
			super(message, cause);
		}
	}

	interface Parse {
		void run() throws Exception;
	}

	/** A target's {@code fuzzerTestOneInput}. */
	public interface Target {
		void accept(byte[] input) throws Exception;
	}

	private static final Path SCRATCH = scratch();
	/** Set by {@link Explain}: each input's outcome is printed. */
	static volatile boolean explain;

	private Contract() {
	}

	/**
	 * Runs {@code target} once on each file of the folder {@code atelier.fuzz.warmup} names (run.sh: the committed
	 * corpus), for Jazzer's {@code fuzzerInitialize}: the classes those inputs load are instrumented there, before
	 * the per-input time limit runs (instrumenting EMF on a busy machine took longer than any limit a hang should
	 * get). What the inputs find is found again by the fuzzer, which starts from the same files.
	 */
	public static void warmUp(Target target) {
		String dir = System.getProperty("atelier.fuzz.warmup");
		if (dir == null) {
			return;
		}
		try (Stream<Path> files = Files.list(Path.of(dir))) {
			for (Path f : files.sorted().toList()) {
				try {
					target.accept(Files.readAllBytes(f));
				} catch (Exception | Error e) {
					// found again by the fuzzer
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** One folder per JVM for the inputs as files, removed when the JVM ends. */
	private static Path scratch() {
		try {
			Path dir = Files.createTempDirectory("atelier-fuzz-");
			Runtime.getRuntime().addShutdownHook(new Thread(() -> clear(dir, true)));
			return dir;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** {@code data} as the file {@code relative} of the scratch folder (its folders made). */
	static Path write(String relative, byte[] data) throws IOException {
		Path file = SCRATCH.resolve(relative);
		Files.createDirectories(file.getParent());
		Files.write(file, data);
		return file;
	}

	/** An empty folder {@code name} in the scratch folder, whatever an earlier input left there. */
	static Path emptyFolder(String name) throws IOException {
		Path dir = SCRATCH.resolve(name);
		clear(dir, false);
		return Files.createDirectories(dir);
	}

	private static void clear(Path dir, boolean self) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
				if (self || !p.equals(dir)) {
					Files.deleteIfExists(p);
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static void outcome(String what) {
		if (explain) {
			System.out.println("  " + what);
		}
	}

	/** Runs {@code parse} on {@code file}: a refusal must be one of {@code documented} and name the file. */
	static void refusesOnlyWith(Path file, List<Class<? extends Exception>> documented, Parse parse) {
		String name = file.getFileName().toString();
		refusesOnlyWith(documented, parse, message -> message.contains(name), "does not name the file " + name);
	}

	/** Runs {@code parse}: a refusal must be one of {@code documented} with a message that {@code says}. */
	static void refusesOnlyWith(List<Class<? extends Exception>> documented, Parse parse, java.util.function.Predicate<String> says, String otherwise) {
		try {
			parse.run();
			outcome("accepted");
		} catch (Exception e) {
			outcome("refused: " + e.getMessage());
			if (documented.stream().noneMatch(c -> c.isInstance(e))) {
				throw new Finding("undocumented " + e.getClass().getName() + ": " + e.getMessage(), e);
			}
			if (e.getMessage() == null || e.getMessage().isBlank() || !says.test(e.getMessage())) {
				throw new Finding("the refusal " + otherwise + ": " + e.getMessage(), e);
			}
		}
	}
}
