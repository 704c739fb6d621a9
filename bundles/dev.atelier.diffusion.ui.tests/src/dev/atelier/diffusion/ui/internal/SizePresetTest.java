package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SizePresetTest {

	@Test
	void parsesWidthBeforeHeightInTheUsualSpellings() {
		assertEquals(new SizePreset(512, 768), SizePreset.parse("512x768"));
		assertEquals(new SizePreset(768, 512), SizePreset.parse(" 768 × 512 "));
		assertEquals(new SizePreset(1024, 1024), SizePreset.parse("1024*1024"));
		assertEquals(new SizePreset(640, 480), SizePreset.parse("640X480"));
	}

	@Test
	void refusesWhatIsNotASizeSayingWhatWasExpected() {
		assertEquals("'512' is not a size like 512x768", assertThrows(IllegalArgumentException.class, () -> SizePreset.parse("512")).getMessage());
		assertThrows(IllegalArgumentException.class, () -> SizePreset.parse("axb"));
		assertThrows(IllegalArgumentException.class, () -> SizePreset.parse(null));
		assertThrows(IllegalArgumentException.class, () -> SizePreset.parse("0x512"));
	}

	@Test
	void offersTheCommonSizesInOrderAndRecognisesThem() {
		assertArrayEquals(new String[] { "512x512", "512x768", "768x512", "768x768", "1024x1024" }, SizePreset.labels());
		for (String label : SizePreset.labels()) {
			assertEquals(label, SizePreset.parse(label).label(), "labels read back");
		}
		assertEquals(Optional.of(new SizePreset(768, 512)), SizePreset.common(768, 512));
		assertEquals(Optional.empty(), SizePreset.common(640, 480));
	}
}
