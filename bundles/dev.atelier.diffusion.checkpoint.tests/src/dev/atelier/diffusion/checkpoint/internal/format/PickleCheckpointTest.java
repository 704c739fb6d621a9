package dev.atelier.diffusion.checkpoint.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.ControlNet;
import dev.atelier.diffusion.checkpoint.DType;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.Weight;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.testing.checkpoints.TorchPickles;
import dev.atelier.testing.checkpoints.TorchPickles.Tensor;

/** .ckpt files written opcode by opcode: the zip and legacy forms load; hostile pickles are refused naming their global. */
class PickleCheckpointTest {

	@TempDir
	Path dir;

	private static byte[] floats(float... v) {
		ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
		for (float f : v) {
			b.putFloat(f);
		}
		return b.array();
	}

	private static Map<String, Tensor> small() {
		Map<String, Tensor> t = new LinkedHashMap<>();
		t.put("a.weight", new Tensor("FloatStorage", new long[] { 2, 3 }, floats(1, 2, 3, 4, 5, 6)));
		ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-2f));
		t.put("b.bias", new Tensor("HalfStorage", new long[] { 2 }, half.array()));
		return t;
	}

	private static float[] read(StoredTensor t) throws CheckpointException {
		return Weight.of(t.key(), t).toFloats();
	}

	@Test
	void zipCheckpointsGiveTheirStateDictsTensors() throws IOException {
		try (PickleCheckpoint c = PickleCheckpoint.open(TorchPickles.writeZip(dir.resolve("m.ckpt"), small()))) {
			assertEquals(2, c.tensors().size());
			StoredTensor a = c.tensors().get("a.weight");
			assertEquals(DType.F32, a.dtype());
			assertArrayEquals(new long[] { 2, 3 }, a.shape());
			assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6 }, read(a));
			assertArrayEquals(new float[] { 0.5f, -2f }, read(c.tensors().get("b.bias")));
		}
	}

	/** Found by fuzzing (docs/fuzzing.md): the inflater's own message ("invalid block type") came without the file. */
	@Test
	void aZipWhosePickleDoesNotInflateIsRefusedNamingTheFile() throws IOException {
		Path file = TorchPickles.writeZip(dir.resolve("m.ckpt"), small());
		byte[] bytes = Files.readAllBytes(file);
		int data = 30 + "archive/data.pkl".length(); // the first entry's compressed bytes, after its local header
		java.util.Arrays.fill(bytes, data, data + 8, (byte) 0xff);
		Files.write(file, bytes);
		String message = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file)).getMessage();
		assertTrue(message.startsWith(file + ": damaged zip archive: "), message);
	}

	/** The fuzzers' findings (releng/dev.atelier.fuzz/corpus/ckpt/finding-*): each refused, naming the file. */
	@Test
	void everyFuzzingFindingIsRefusedNamingTheFile() throws IOException {
		List<Path> findings;
		try (var files = Files.list(Path.of("../../releng/dev.atelier.fuzz/corpus/ckpt"))) {
			findings = files.filter(f -> f.getFileName().toString().startsWith("finding-")).sorted().toList();
		}
		assertFalse(findings.isEmpty());
		for (Path finding : findings) {
			Path file = Files.copy(finding, dir.resolve(finding.getFileName()));
			String message = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file).close(), finding.toString()).getMessage();
			assertTrue(message.startsWith(file + ": "), message);
		}
	}

	/**
	 * A legacy file with the first tensor's int after {@code after} in its pickle replaced by {@code value}
	 * (TorchPickles writes every int as BININT).
	 */
	private Path legacyWith(String after, int value) throws IOException {
		Path file = TorchPickles.writeLegacy(dir.resolve("old.ckpt"), small());
		byte[] bytes = Files.readAllBytes(file);
		int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(after) + after.length();
		ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
		return Files.write(file, bytes);
	}

	/** Found by fuzzing (docs/fuzzing.md): a negative storage offset addressed before the file's mapping. */
	@Test
	void aNegativeStorageOffsetIsRefusedNamingTheFile() throws IOException {
		Path file = legacyWith("tQJ", -167771989);
		String message = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file)).getMessage();
		assertTrue(message.startsWith(file + ": ") && message.endsWith(" with the negative storage offset -167771989"), message);
	}

	@Test
	void legacyCheckpointsGiveTheirStateDictsTensors() throws IOException {
		try (PickleCheckpoint c = PickleCheckpoint.open(TorchPickles.writeLegacy(dir.resolve("old.ckpt"), small()))) {
			assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6 }, read(c.tensors().get("a.weight")));
			assertArrayEquals(new float[] { 0.5f, -2f }, read(c.tensors().get("b.bias")));
		}
	}

	@Test
	void aReducedSd1CkptIsDetectedAsItsSafetensorsTwin() throws IOException {
		Map<String, Tensor> tensors = new LinkedHashMap<>();
		LdmLayout.weights(LdmLayout.TINY_SD1).forEach((k, s) -> {
			long n = 1;
			for (long d : s) {
				n *= d;
			}
			tensors.put(k, new Tensor("HalfStorage", s, new byte[(int) (2 * n)]));
		});
		try (Checkpoint c = Checkpoint.open(TorchPickles.writeZip(dir.resolve("sd1.ckpt"), tensors), null)) {
			assertEquals(Family.SD1, c.family());
			assertEquals("ckpt", c.format());
			assertEquals(64, c.unet().contextDim());
		}
	}

	/** ControlNet-v1.1's .pth as lllyasviel's files have it: F16 storages, keys without control_model. */
	@Test
	void aControlNetPthWithoutThePrefixIsReadAsTheLdmLayout() throws IOException {
		Map<String, Tensor> tensors = new LinkedHashMap<>();
		LdmLayout.controlNet(LdmLayout.TINY_SD1, new int[] { 16, 32, 32, 64 }).forEach((k, s) -> {
			long n = 1;
			for (long d : s) {
				n *= d;
			}
			tensors.put(k.substring("control_model.".length()), new Tensor("HalfStorage", s, new byte[(int) (2 * n)]));
		});
		try (ControlNet c = ControlNet.open(TorchPickles.writeZip(dir.resolve("control_v11p_sd15_canny.pth"), tensors))) {
			assertEquals("ControlNet-v1.1 (ldm)", c.layout());
			assertEquals(64, c.unet().contextDim());
			assertArrayEquals(new int[] { 16, 32, 32, 64 }, c.hintChannels());
			assertEquals(DType.F16, c.weights().get("controlnet_mid_block.weight").dtype());
		}
	}

	private void assertRefused(Path file, String global) {
		CheckpointException e = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file));
		assertTrue(e.getMessage().startsWith(file + ": refused pickle global " + global + " at byte "), e.getMessage());
	}

	/** Found by fuzzing (docs/fuzzing.md): a key holding itself through a list overflowed the stack when hashed. */
	@Test
	void aListAsADictKeyIsRefusedAsUnhashable() throws IOException {
		byte[] pickle = { (byte) 0x80, 2, '}', ']', 'K', 1, 's', '.' }; // {[]: 1}
		Path file = TorchPickles.writeZipWithPickle(dir.resolve("key.ckpt"), pickle);
		String message = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file)).getMessage();
		assertTrue(message.startsWith(file + ": ") && message.contains("is a list or dict, or a tuple holding one (unhashable)"), message);
	}

	@Test
	void protocolZeroPosixSystemIsRefusedBeforeAnythingRuns() throws IOException {
		byte[] pickle = "cposix\nsystem\n(S'touch /tmp/pwned'\ntR.".getBytes(StandardCharsets.US_ASCII);
		assertRefused(TorchPickles.writeZipWithPickle(dir.resolve("evil.ckpt"), pickle), "posix.system");
		assertTrue(Files.notExists(Path.of("/tmp/pwned")));
	}

	@Test
	void stackGlobalBuiltinsEvalIsRefused() throws IOException {
		byte[] pickle = { (byte) 0x80, 4, (byte) 0x8c, 8, 'b', 'u', 'i', 'l', 't', 'i', 'n', 's', (byte) 0x94, (byte) 0x8c, 4, 'e', 'v', 'a', 'l', (byte) 0x94,
				(byte) 0x93, (byte) 0x94, (byte) 0x8c, 1, '1', (byte) 0x85, 'R', '.' };
		assertRefused(TorchPickles.writeZipWithPickle(dir.resolve("eval.ckpt"), pickle), "builtins.eval");
	}

	@Test
	void instOfOsSystemInsideAStateDictIsRefused() throws IOException {
		// a state dict whose value is INST os.system: the global is refused where it is met, inside the dict
		byte[] pickle = "\u0080\u0002}X\u0001\u0000\u0000\u0000k(X\u0002\u0000\u0000\u0000idios\nsystem\ns.".getBytes(StandardCharsets.ISO_8859_1);
		assertRefused(TorchPickles.writeZipWithPickle(dir.resolve("inst.ckpt"), pickle), "os.system");
	}

	@Test
	void aLegacyFileWithAHostileFirstPickleIsRefused() throws IOException {
		Path file = dir.resolve("legacy-evil.pt");
		Files.write(file, "\u0080\u0002csubprocess\nPopen\n(X\u0002\u0000\u0000\u0000lst\u0085R.".getBytes(StandardCharsets.ISO_8859_1));
		assertRefused(file, "subprocess.Popen");
	}

	@Test
	void aStorageMissingFromTheArchiveIsRefusedNamingTheTensor() throws IOException {
		Path file = dir.resolve("short.ckpt");
		Map<String, Tensor> t = small();
		t.put("c.weight", new Tensor("FloatStorage", new long[] { 4 }, floats(1, 2)));
		TorchPickles.writeZip(file, t);
		CheckpointException e = assertThrows(CheckpointException.class, () -> PickleCheckpoint.open(file));
		assertTrue(e.getMessage().startsWith(file + ": tensor c.weight"), e.getMessage());
	}
}
