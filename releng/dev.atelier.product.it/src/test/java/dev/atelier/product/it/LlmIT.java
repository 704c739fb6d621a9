package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code atelier llm} on the product with the real test data ($ATELIER_TESTDATA; skipped, saying so, where unset). */
class LlmIT {

	private static Path data(String name) {
		String root = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(root != null && !root.isBlank(), "ATELIER_TESTDATA is not set: skipping the test on " + name);
		Path file = Path.of(root, "llm", name);
		assertTrue(Files.isReadable(file), "ATELIER_TESTDATA is set but " + file + " cannot be read");
		return file;
	}

	@Test
	void generateEmitsRunCsGreedyIdsFromBos() throws Exception {
		Path model = data("stories260K.bin");
		List<String> reference = Arrays.asList(Files.readString(data("stories260K-greedy-bos-first32.txt")).strip().split("\\s+"));
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("llm").toString()), "llm", "generate", "--model",
				model.toString(), "--prompt-ids", "1", "--temperature", "0", "--max-tokens", "256", "--emit", "ids");
		assertEquals(0, run.exitCode(), run.all());
		List<String> ids = Arrays.asList(run.out().strip().split(" "));
		assertEquals(256, ids.size(), "only the 256 generated ids on standard output: " + run.out());
		assertEquals(reference, ids.subList(0, 32));
	}

	@Test
	void tokenizeReproducesLlamaCppsVocabTestFile() throws Exception {
		Path vocab = data("gguf-vocab/ggml-vocab-gpt-2.gguf");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("tokenize").toString()), "llm", "tokenize", "--model",
				vocab.toString(), "--ggml-vocab-test", vocab + ".inp");
		assertEquals(0, run.exitCode(), run.all());
		assertEquals(Files.readString(Path.of(vocab + ".out")), run.out());
	}

	@Test
	void aServerKeyGoesToTheWorkspacesSecureStorageEncrypted() throws Exception {
		Path ws = Product.newWorkspace("llm-key");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run stored = Product.runWithInput(env, "sk-test-9876\n", "llm", "key", "--url", "http://localhost:11434/v1");
		assertEquals(0, stored.exitCode(), stored.all());
		assertTrue(stored.err().contains("stored the key of http://localhost:11434/v1 in the workspace's secure storage"), stored.err());
		Path storage = ws.resolve("secure-storage");
		assertTrue(Files.exists(storage) && !Files.readString(storage).contains("sk-test-9876"), "stored, and not in clear");
		assertTrue(!stored.all().contains("sk-test-9876"), "the key is never printed");
		Product.Run removed = Product.run(env, "llm", "key", "--url", "http://localhost:11434/v1", "--remove");
		assertEquals(0, removed.exitCode(), removed.all());
	}

	@Test
	void badModelsAndOptionsAreRefusedByName() throws Exception {
		Path ws = Product.newWorkspace("llm-bad");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Path cut = ws.resolve("cut.bin");
		Files.write(cut, Arrays.copyOf(Files.readAllBytes(data("stories260K.bin")), 5000));
		Product.Run truncated = Product.run(env, "llm", "generate", "--model", cut.toString(), "--prompt-ids", "1", "--emit", "ids");
		assertEquals(1, truncated.exitCode(), truncated.all());
		assertTrue(truncated.err().contains(cut + ": the header describes 1056540 bytes of header and weights; the file has 5000"), truncated.err());
		Product.Run text = Product.run(env, "llm", "generate", "--model", data("stories260K.bin").toString(), "--prompt", "Once");
		assertEquals(2, text.exitCode(), text.all());
		assertTrue(text.err().contains("has no tokenizer (llama2.c checkpoints carry none): use --prompt-ids and --emit ids, or --tokenizer"
				+ " tokenizer.bin"), text.err());
		Product.Run wrongVocab = Product.run(env, "llm", "generate", "--model", data("stories260K.bin").toString(), "--tokenizer",
				data("tokenizer.bin").toString(), "--prompt", "Once");
		assertEquals(1, wrongVocab.exitCode(), wrongVocab.all());
		assertTrue(wrongVocab.err().contains("tokenizer.bin: holds more than the model's 512 tokens: it is the tokenizer of another vocabulary"),
				wrongVocab.err());
		Product.Run notGguf = Product.run(env, "llm", "tokenize", "--model", cut.toString(), "--text", "hi");
		assertEquals(1, notGguf.exitCode(), notGguf.all());
		assertTrue(notGguf.err().contains(cut + ": not a GGUF file"), notGguf.err());
	}
}
