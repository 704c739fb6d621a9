package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RenderSizeTest {

	@Test
	void widthByHeightIsReadWithAnXOrATimesSign() {
		assertEquals(new RenderSize(1920, 1080), RenderSize.parse("1920×1080"));
		assertEquals(new RenderSize(640, 480), RenderSize.parse(" 640 x 480 "));
		assertEquals(new RenderSize(7, 3), RenderSize.parse("7X3"));
		assertEquals("1920×1080", RenderSize.DEFAULT.toString());
	}

	@Test
	void somethingElseIsRefusedNamingTheTextAndTheProblem() {
		assertEquals("resolution \"wide\" is not WIDTH×HEIGHT, e.g. 1920×1080",
				assertThrows(IllegalArgumentException.class, () -> RenderSize.parse("wide")).getMessage());
		assertEquals("resolution \"0x100\": width and height must be 1 to 16384 pixels",
				assertThrows(IllegalArgumentException.class, () -> RenderSize.parse("0x100")).getMessage());
		assertEquals("resolution \"100×20000\": width and height must be 1 to 16384 pixels",
				assertThrows(IllegalArgumentException.class, () -> RenderSize.parse("100×20000")).getMessage());
		assertThrows(IllegalArgumentException.class, () -> RenderSize.parse("-5x10"));
		assertThrows(IllegalArgumentException.class, () -> RenderSize.parse("99999999999x10"));
	}
}
