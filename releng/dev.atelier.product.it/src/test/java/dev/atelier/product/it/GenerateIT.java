package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

/** {@code atelier generate} on the product with the tiny random-weight pipeline committed as test data. */
class GenerateIT {

	@Test
	void aFifoAsThePromptsFileIsRefusedByNameNotWaitedOn() throws Exception {
		Path ws = Product.newWorkspace("prompts-fifo");
		Path fifo = Product.fifo(ws.resolve("prompts.txt"));
		// the prompts file is refused before the merges are read: an empty one serves
		Path merges = Files.writeString(ws.resolve("merges.txt"), "");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "diffusion", "tokenize", "--merges", merges.toString(),
				"--prompts-file", fifo.toString());
		assertEquals(1, run.exitCode(), run.all());
		assertEquals("atelier diffusion tokenize: " + fifo + ": not a regular file (a FIFO, socket or device)\n", run.err());
	}

	private static final Path TINY = Path.of("../../bundles/dev.atelier.diffusion.tests/fixture/tiny-sd").toAbsolutePath().normalize();

	@Test
	void helpDocumentsEveryOptionAndExitsZero() throws Exception {
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("gen-help").toString()), "generate", "--help");
		assertEquals(0, run.exitCode(), run.all());
		for (String option : List.of("--model", "--prompt", "--negative", "--steps", "--sampler", "--cfg", "--seed", "--size", "--batch", "--init",
				"--strength", "--out", "euler_a|euler|ddim|dpmpp_2m|dpmpp_2m_karras|lms")) {
			assertTrue(run.out().contains(option), "help mentions " + option + ":\n" + run.out());
		}
	}

	@Test
	void aBatchIsWrittenAsPngsWithParametersAndAJobRecord() throws Exception {
		Path ws = Product.newWorkspace("gen");
		Path out = ws.resolve("images");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "generate", "--model", TINY.toString(), "--prompt", "a red horse",
				"--negative", "blurry", "--steps", "4", "--sampler", "dpmpp_2m_karras", "--cfg", "6", "--seed", "100", "--size", "64x96", "--batch", "2",
				"--out", out.toString());
		assertEquals(0, run.exitCode(), run.all());
		assertEquals(List.of(out.resolve("00000-100.png").toString(), out.resolve("00001-101.png").toString()), run.out().strip().lines().toList());
		assertTrue(run.err().contains("4/4 step"), "a progress bar on stderr: " + run.err());
		String png = new String(Files.readAllBytes(out.resolve("00001-101.png")), StandardCharsets.ISO_8859_1);
		assertTrue(png.contains("parameters\0a red horse\nNegative prompt: blurry\nSteps: 4, Sampler: DPM++ 2M Karras, CFG scale: 6, Seed: 101, Size: 64x96, Model hash: "),
				"A1111 parameters chunk");
		JsonObject record = Product.jobs(ws).get(0).getAsJsonObject();
		assertEquals("cpu", record.get("device").getAsString(), record.toString());
		assertEquals(out.resolve("00000-100.png").toString(), record.getAsJsonArray("outputs").get(0).getAsString(), "a JobRecord with outputs: " + record);

		Product.Run again = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "generate", "--model", TINY.toString(), "--prompt", "a red horse",
				"--negative", "blurry", "--steps", "4", "--sampler", "dpmpp_2m_karras", "--cfg", "6", "--seed", "101", "--size", "64x96", "--out",
				ws.resolve("again").toString());
		assertEquals(0, again.exitCode(), again.all());
		assertEquals(-1, Files.mismatch(out.resolve("00001-101.png"), ws.resolve("again/00000-101.png")), "seed 101 alone = image 2 of the batch, byte for byte");
	}

	@Test
	void badInputIsRefusedByName() throws Exception {
		Path ws = Product.newWorkspace("gen-bad");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run size = Product.run(env, "generate", "--model", TINY.toString(), "--prompt", "x", "--size", "500x512");
		assertEquals(2, size.exitCode(), size.all());
		assertTrue(size.err().contains("width 500 is not a multiple of 8"), size.err());
		Path missing = ws.resolve("no-model");
		Product.Run model = Product.run(env, "generate", "--model", missing.toString(), "--prompt", "x", "--size", "64x64");
		assertEquals(1, model.exitCode(), model.all());
		assertTrue(model.err().contains(missing + ": not a model folder"), model.err());
		Product.Run sampler = Product.run(env, "generate", "--model", TINY.toString(), "--prompt", "x", "--sampler", "heun");
		assertEquals(2, sampler.exitCode(), sampler.all());
		assertTrue(sampler.err().contains("heun"), sampler.err());
		Product.Run huge = Product.run(env, "generate", "--model", TINY.toString(), "--prompt", "x", "--device", "sim:rtx4090", "--size", "4096x4096",
				"--batch", "64");
		assertTrue(huge.exitCode() != 0 && huge.err().contains("cannot fit sim:rtx4090"), huge.all());
	}
}
