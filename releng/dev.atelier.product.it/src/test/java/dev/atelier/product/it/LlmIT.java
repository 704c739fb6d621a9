package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

	/** The IDE product carries Jinjava (the headless one does not: HeadlessIT), so a model's own template runs. */
	@Test
	void anLlmWithAJinjaChatTemplateAnswersInItsOwnTemplate() throws Exception {
		Product.Run chat = Product.chatWithAJinjaTemplate(false);
		assertEquals(0, chat.exitCode(), chat.all());
		assertTrue(chat.all().contains("the model's Jinja chat template"), "its own template is used: " + chat.all());
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

	/** {@code atelier llm key --url http://localhost:11434/v1} with the key sk-test-9876 on standard input. */
	private static Product.Run storeKey(Map<String, String> env) throws Exception {
		Product.Run stored = Product.runWithInput(env, "sk-test-9876\n", "llm", "key", "--url", "http://localhost:11434/v1");
		assertEquals(0, stored.exitCode(), stored.all());
		return stored;
	}

	@Test
	void aServerKeyGoesToTheWorkspacesSecureStorageEncrypted() throws Exception {
		Path ws = Product.newWorkspace("llm-key");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run stored = storeKey(env);
		assertTrue(stored.err().contains("stored the key of http://localhost:11434/v1 in the workspace's secure storage"), stored.err());
		Path storage = ws.resolve("secure-storage");
		assertTrue(Files.exists(storage) && !Files.readString(storage).contains("sk-test-9876"), "stored, and not in clear");
		assertTrue(!stored.all().contains("sk-test-9876"), "the key is never printed");
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(storage), "only its owner reads the storage");
		Product.Run removed = Product.run(env, "llm", "key", "--url", "http://localhost:11434/v1", "--remove");
		assertEquals(0, removed.exitCode(), removed.all());
		assertTrue(removed.err().contains("removed the key of http://localhost:11434/v1"), removed.err());
		Product.Run again = Product.run(env, "llm", "key", "--url", "http://localhost:11434/v1", "--remove");
		assertEquals(0, again.exitCode(), again.all());
		assertEquals("atelier llm key: no key of http://localhost:11434/v1 was stored; nothing removed\n", again.err());
	}

	@Test
	void aStorageLeftReadableToAllByAnOlderVersionIsMadeOwnerOnlyByTheNextCommandThatReadsIt() throws Exception {
		Path ws = Product.newWorkspace("llm-key-0644");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		storeKey(env);
		List<Path> files = List.of(ws.resolve("secure-storage"), ws.resolve("secure-storage.key"));
		for (Path f : files) {
			Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
		}
		// reads the storage and writes nothing: no key of this server is stored
		Product.Run read = Product.run(env, "llm", "key", "--url", "http://localhost:8000/v1", "--remove");
		assertEquals(0, read.exitCode(), read.all());
		for (Path f : files) {
			assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(f), f.toString());
		}
	}

	@Test
	void aKeyFarLongerThanAnyApiKeyIsRefused() throws Exception {
		Path ws = Product.newWorkspace("llm-key-long");
		Product.Run huge = Product.runWithInput(Map.of("ATELIER_WORKSPACE", ws.toString()), "k".repeat(10 << 20) + "\n", "llm", "key", "--url",
				"http://localhost:11434/v1");
		assertEquals(2, huge.exitCode(), huge.all());
		assertTrue(huge.err().contains("the key on standard input is longer than 16384 characters: not an API key"), huge.err());
		assertFalse(Files.exists(ws.resolve("secure-storage")), "nothing stored");
	}

	@Test
	void fifosAsModelTokenizerOrTextAreRefusedByNameNotWaitedOn() throws Exception {
		Path ws = Product.newWorkspace("llm-fifo");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Path fifo = Product.fifo(ws.resolve("pipe.gguf"));
		String refusal = fifo + ": not a regular file (a FIFO, socket or device)";
		String model = data("stories260K.bin").toString();
		List<List<String>> commands = List.of( //
				List.of("llm", "generate", "--model", fifo.toString(), "--prompt-ids", "1", "--emit", "ids"),
				List.of("llm", "generate", "--model", model, "--tokenizer", fifo.toString(), "--prompt", "Once"),
				List.of("llm", "tokenize", "--model", fifo.toString(), "--text", "hi"),
				List.of("llm", "tokenize", "--model", data("gguf-vocab/ggml-vocab-gpt-2.gguf").toString(), "--ggml-vocab-test", fifo.toString()),
				List.of("llm", "perplexity", "--model", model, "--file", fifo.toString()));
		for (List<String> command : commands) {
			Product.Run run = Product.run(env, command.toArray(String[]::new));
			assertEquals(1, run.exitCode(), command + ": " + run.all());
			assertTrue(run.err().contains(refusal), command + ": " + run.err());
		}
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

	@Test
	void aPromptBeyondTheContextAndThreadsBeyondTheCoresAreUsageErrorsNotInternalOnes() throws Exception {
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", Product.newWorkspace("llm-extremes").toString());
		Product.Run bench = Product.run(env, "llm", "bench", "--model", data("stories260K.bin").toString(), "--device", "cpu", "--prompt-tokens", "100000");
		assertEquals(2, bench.exitCode(), bench.all());
		assertTrue(bench.err().contains("--prompt-tokens 100000 and --tokens 64 need a context of 100064 tokens; stories260K.bin's holds "), bench.err());
		Product.Run threads = Product.run(env, "llm", "generate", "--model", data("stories260K.bin").toString(), "--prompt-ids", "1", "--emit", "ids",
				"--threads", "100000");
		assertEquals(2, threads.exitCode(), threads.all());
		assertTrue(threads.err().contains("--threads: 100000 is more than "), threads.err());
		assertFalse(bench.err().contains("internal error") || threads.err().contains("internal error"), bench.err() + threads.err());
	}
}
