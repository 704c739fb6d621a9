package dev.atelier.diffusion.checkpoint.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/** Headers that lie are refused before any tensor is used, naming the file and the tensor. */
class SafetensorsFileTest {

	@TempDir
	Path dir;

	private String refusal(String header, int dataBytes) throws IOException {
		Path file = SafetensorsWriter.writeRaw(dir.resolve("lie.safetensors"), header, new byte[dataBytes]);
		String message = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)).getMessage();
		return message.substring(file.toString().length() + 2);
	}

	@Test
	void offsetsBeyondTheDataAreRefused() throws IOException {
		assertEquals("tensor w: data_offsets [0, 32] lie outside the 16 data bytes (truncated file?)",
				refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]}}", 16));
	}

	@Test
	void aLengthThatIsNotShapeTimesTypeIsRefused() throws IOException {
		assertEquals("tensor w: F16[2, 3] needs 12 bytes, its data_offsets hold 16",
				refusal("{\"w\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16));
	}

	@Test
	void overlappingTensorsAreRefused() throws IOException {
		assertEquals("tensors a and b overlap (bytes 8..16)", refusal("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
				+ "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24));
	}

	@Test
	void backwardOffsetsAndUnknownTypesAreRefused() throws IOException {
		assertEquals("tensor w: data_offsets [8, 4] lie outside the 16 data bytes", refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16));
		assertEquals("tensor w: dtype F4 is not supported", refusal("{\"w\":{\"dtype\":\"F4\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
		assertEquals("the safetensors header is not valid JSON: " , refusal("{\"w\":", 0).replaceAll("JSON: .*", "JSON: "));
	}

	/** Found by fuzzing (docs/fuzzing.md): "2 " read as a double, then failed as a long with a NumberFormatException. */
	@Test
	void aShapeOfStringsIsRefused() throws IOException {
		assertEquals("tensor w: shape[0] is not an integer: \"2 \"", refusal("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2 \"],\"data_offsets\":[0,8]}}", 8));
	}

	@Test
	void aWellFormedFileGivesItsTensorsAndMetadata() throws IOException {
		Path file = SafetensorsWriter.writeRaw(dir.resolve("ok.safetensors"),
				"{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
				new byte[8]);
		try (SafetensorsFile f = SafetensorsFile.open(file)) {
			assertEquals(Map.of("format", "pt"), f.metadata());
			assertEquals(2, f.tensors().size());
			assertEquals(4, f.tensors().get("b").data().byteSize());
			assertEquals(1, f.tensors().get("a").elements());
		}
	}
}
