package dev.atelier.diffusion.internal;

import static dev.atelier.diffusion.internal.GenerateRun.largestDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * {@code atelier generate --vae FILE|NAME} on the reduced SD 1.x checkpoint through the CLI, the queue and the native
 * engine: a VAE file replaces the checkpoint's, a bare name comes from {@code models/vae}, the infotext names it, and
 * the queue's loaded model goes back to its own VAE for a job without one.
 */
class GenerateVaeTest extends TinySd1Queue {

	private GenerateRun generate(String... more) {
		List<String> args = new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--device", "cpu", "--prompt", "a photo of a cat",
				"--sampler", "euler", "--steps", "3", "--seed", "1234", "--size", "64x64"));
		args.addAll(List.of(more));
		return GenerateRun.of(diffusion, args);
	}

	private static Map<String, String> settings(Path png) throws IOException {
		return Infotext.parse(PngInfo.read(png).get(Infotext.CHUNK)).settings();
	}

	@Test
	void aVaeFileReplacesTheCheckpointsAndABareNameComesFromTheVaeFolder() throws IOException {
		Path plain = generate().png();
		// the checkpoint's own VAE weights in a file of their own: the same image
		Path same = FormulaWeights.writeVae(FormulaWeights.SD1_REFERENCE, "F16", true, root.resolve("own-vae.safetensors"));
		Path withSame = generate("--vae", same.toString()).png();
		assertTrue(largestDifference(plain, withSame) <= 1, "the same VAE weights: " + largestDifference(plain, withSame) + " levels apart");
		assertEquals("own-vae.safetensors", settings(withSame).get("VAE"));

		// bare keys (as vae-ft-mse's) whose formula values differ: another decoder, another image
		Path folder = Files.createDirectories(root.resolve("models/vae"));
		Path other = FormulaWeights.writeVae(FormulaWeights.SD1_REFERENCE, "F16", false, folder.resolve("other-vae.safetensors"));
		Path byFile = generate("--vae", other.toString()).png();
		assertTrue(largestDifference(plain, byFile) > 8, "another VAE changes the image: " + largestDifference(plain, byFile) + " levels at most");
		Path byName = generate("--vae", "other-vae").png();
		assertTrue(largestDifference(byFile, byName) <= 1, "by name: " + largestDifference(byFile, byName) + " levels from by file");
		assertEquals("other-vae", settings(byName).get("VAE"));

		Path after = generate().png();
		assertTrue(largestDifference(plain, after) <= 1, "the next job without it: " + largestDifference(plain, after) + " levels from the first image");
		assertFalse(settings(after).containsKey("VAE"));
	}

	@Test
	void aVaeThatIsNoFileNorInTheFolderIsRefusedNamingBoth() {
		GenerateRun missing = generate("--vae", "nope");
		assertEquals(1, missing.code());
		assertTrue(missing.err().contains("nope: no such VAE file, nor one of that name (.safetensors, .ckpt, .pt) in " + root.resolve("models/vae")),
				missing.err());
		GenerateRun onnx = GenerateRun.of(diffusion, List.of("generate", "--model", Path.of("fixture", "tiny-sd").toAbsolutePath().toString(), "--device", "cpu",
				"--prompt", "a cat", "--steps", "2", "--size", "64x64", "--vae", checkpoint.toString()));
		assertEquals(1, onnx.code());
		assertTrue(onnx.err().contains("an ONNX pipeline folder keeps its own VAE"), onnx.err());
	}
}
