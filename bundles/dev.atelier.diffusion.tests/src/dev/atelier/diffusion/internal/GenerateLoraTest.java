package dev.atelier.diffusion.internal;

import static dev.atelier.diffusion.internal.GenerateRun.largestDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.checkpoints.TestLoras;

/**
 * {@code atelier generate --lora FILE[:W]} and a prompt's {@code <lora:name:W>} on the reduced SD 1.x checkpoint through
 * the CLI, the queue and the native engine: a kohya LoRA (UNet linear, 3×3 convolution and text-encoder layers) written
 * by TestLoras, AUTOMATIC1111's infotext, the LoRA folder's bounds, and the queue's loaded model going back to
 * its own weights for a job without the LoRA.
 */
class GenerateLoraTest extends TinySd1Queue {

	private Path lora;

	@BeforeEach
	void writeItsFiles() throws Exception {
		lora = TestLoras.sd1(root.resolve("detail.safetensors"));
	}

	private GenerateRun generate(String prompt, String... more) {
		List<String> args = new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--device", "cpu", "--prompt", prompt, "--sampler", "euler",
				"--steps", "4", "--cfg", "7.5", "--seed", "1234", "--size", "64x64"));
		args.addAll(List.of(more));
		return GenerateRun.of(diffusion, args);
	}

	/** AUTOMATIC1111's LoRA hash: SHA-256 of the file after its header, 12 hex digits. */
	private static String addnetHash(Path file) throws IOException, NoSuchAlgorithmException {
		try (InputStream in = Files.newInputStream(file)) {
			long header = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
			in.skipNBytes(header);
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())).substring(0, 12);
		}
	}

	// the CPU backend's vector sums may round a last bit differently once compiled: "the same image" is within one level

	@Test
	void aLoraAtWeightZeroGivesTheImageWithoutIt() throws IOException {
		Path plain = generate("a photo of a cat").png();
		Path zero = generate("a photo of a cat", "--lora", lora + ":0").png();
		assertTrue(largestDifference(plain, zero) <= 1, "weight 0: " + largestDifference(plain, zero) + " levels from the image without the LoRA");
	}

	@Test
	void aLoraFileChangesTheImageAndTheInfotextRecordsItSoReuseFindsItInTheLoraFolder() throws Exception {
		Path plain = generate("a photo of a cat").png();
		Path with = generate("a photo of a cat", "--lora", lora + ":0.8").png();
		assertTrue(largestDifference(plain, with) > 8, "the LoRA changes the image: " + largestDifference(plain, with) + " levels at most");
		Infotext info = Infotext.parse(PngInfo.read(with).get(Infotext.CHUNK));
		assertEquals("a photo of a cat <lora:detail:0.8>", info.prompt());
		assertEquals("detail: " + addnetHash(lora), info.settings().get("Lora hashes"));
		assertTrue(PngInfo.read(with).get(Infotext.CHUNK).contains("Lora hashes: \"detail: " + addnetHash(lora) + "\""), "quoted as AUTOMATIC1111 quotes it");

		// Reuse: the recorded prompt names the LoRA, which the workspace's models/loras has
		Path folder = Files.createDirectories(root.resolve("models/loras"));
		Files.copy(lora, folder.resolve("detail.safetensors"));
		Path reused = generate(info.prompt()).png();
		assertTrue(largestDifference(with, reused) <= 1, "<lora:detail:0.8> from the folder: " + largestDifference(with, reused) + " levels from --lora");
		assertEquals(info.settings().get("Lora hashes"), Infotext.parse(PngInfo.read(reused).get(Infotext.CHUNK)).settings().get("Lora hashes"));

		// the next job without it runs on the checkpoint's own weights again, though the queue kept the model loaded
		Path after = generate("a photo of a cat").png();
		assertTrue(largestDifference(plain, after) <= 1, "after the LoRA jobs: " + largestDifference(plain, after) + " levels from the first image");
		assertFalse(Infotext.parse(PngInfo.read(after).get(Infotext.CHUNK)).settings().containsKey("Lora hashes"));
	}

	@Test
	void aLoraNameIsAFileInTheLoraFolderNeverAPath() throws IOException {
		Files.createDirectories(root.resolve("models/loras"));
		GenerateRun outside = generate("a cat <lora:../detail:1>");
		assertEquals(1, outside.code());
		assertTrue(outside.err().contains("<lora:../detail:1>: a LoRA's name is a file name in the LoRA folder"), outside.err());
		GenerateRun missing = generate("a cat <lora:nope:1>");
		assertEquals(1, missing.code());
		assertTrue(missing.err().contains("<lora:nope:1>: no nope.safetensors in " + root.resolve("models/loras")), missing.err());
		GenerateRun badWeight = generate("a cat <lora:detail:lots>");
		assertEquals(1, badWeight.code());
		assertTrue(badWeight.err().contains("<lora:detail:lots>: the weight 'lots' is not a number"), badWeight.err());
	}

	@Test
	void aLoraWhoseKeysMatchNoLayerIsRefusedNamingTheFileAndTheKeys() throws IOException {
		Path other = TestLoras.sd1(root.resolve("other.safetensors"), Map.of("lora_unet_output_blocks_99_1_proj_out.lora_down.weight", new long[] { 4, 64 }),
				Map.of());
		GenerateRun run = generate("a cat", "--lora", other.toString());
		assertEquals(1, run.code());
		assertTrue(run.err().contains(other + ": 1 of its 10 keys match no layer of tiny-sd1.safetensors (SD 1.x), e.g. "
				+ "lora_unet_output_blocks_99_1_proj_out.lora_down.weight"), run.err());
		GenerateRun absent = generate("a cat", "--lora", root.resolve("absent.safetensors") + ":0.5");
		assertEquals(2, absent.code(), "a usage error");
		assertTrue(absent.err().contains("--lora " + root.resolve("absent.safetensors") + ":0.5: no such file"), absent.err());
	}
}
