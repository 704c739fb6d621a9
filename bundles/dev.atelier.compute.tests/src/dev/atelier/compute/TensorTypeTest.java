package dev.atelier.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTypeTest {

	@Test
	void rowBytesFollowGgmlBlockLayouts() {
		assertEquals(4096 / 256 * 144, TensorType.Q4_K.rowBytes(4096));
		assertEquals(4096 / 256 * 176, TensorType.Q5_K.rowBytes(4096));
		assertEquals(4096 / 256 * 210, TensorType.Q6_K.rowBytes(4096));
		assertEquals(4096 / 32 * 34, TensorType.Q8_0.rowBytes(4096));
		assertEquals(4096 / 32 * 18, TensorType.Q4_0.rowBytes(4096));
		assertEquals(2 * 4096, TensorType.F16.rowBytes(4096));
		assertEquals(4 * 4097, TensorType.F32.rowBytes(4097));
	}

	@Test
	void aRowOfPartialBlocksIsRefusedNamingTheBlockSize() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorType.Q4_K.rowBytes(4000));
		assertTrue(e.getMessage().contains("256"), e.getMessage());
	}
}
