package dev.atelier.outputs.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class PixelsTest {

	private static final int BLACK = 0xff000000;
	private static final int WHITE = 0xffffffff;

	@Test
	void fittingKeepsTheAspectRatioInsideTheBox() {
		assertArrayEquals(new int[] { 85, 128 }, Pixels.fit(512, 768, 128, 128, false));
		assertArrayEquals(new int[] { 128, 85 }, Pixels.fit(768, 512, 128, 128, false));
		assertArrayEquals(new int[] { 128, 128 }, Pixels.fit(1024, 1024, 128, 128, false));
		assertArrayEquals(new int[] { 1, 128 }, Pixels.fit(4, 4096, 128, 128, false), "never a side of 0 pixels");
	}

	@Test
	void thumbnailsNeverEnlargeButPreviewsDo() {
		assertArrayEquals(new int[] { 64, 96 }, Pixels.fit(64, 96, 128, 128, false));
		assertArrayEquals(new int[] { 400, 600 }, Pixels.fit(64, 96, 600, 600, true));
		assertArrayEquals(new int[] { 300, 200 }, Pixels.fit(96, 64, 300, 600, true), "the narrower side of the box decides");
		assertThrows(IllegalArgumentException.class, () -> Pixels.fit(0, 10, 10, 10, true));
	}

	@Test
	void shrinkingAveragesTheCoveredPixels() {
		int[] checker = { BLACK, WHITE, BLACK, WHITE, //
				WHITE, BLACK, WHITE, BLACK, //
				0xffff0000, 0xffff0000, 0xff0000ff, 0xff0000ff, //
				0xffff0000, 0xffff0000, 0xff0000ff, 0xff0000ff };
		assertArrayEquals(new int[] { 0xff808080, 0xff808080, 0xffff0000, 0xff0000ff }, Pixels.resize(checker, 4, 4, 2, 2));
		assertArrayEquals(new int[] { 0xff808080 }, Pixels.resize(new int[] { BLACK, WHITE }, 2, 1, 1, 1));
	}

	@Test
	void enlargingInterpolatesBetweenNeighbours() {
		assertArrayEquals(new int[] { BLACK, 0xff404040, 0xffbfbfbf, WHITE }, Pixels.resize(new int[] { BLACK, WHITE }, 2, 1, 4, 1));
		assertArrayEquals(new int[] { 0xff123456, 0xff123456, 0xff123456, 0xff123456 }, Pixels.resize(new int[] { 0xff123456 }, 1, 1, 2, 2));
	}

	@Test
	void aBatchOfPreviewsBecomesOneMosaicWithoutEmptyTiles() {
		int r = 0xffff0000, g = 0xff00ff00, b = 0xff0000ff;
		assertEquals(3, Pixels.columns(3, 64, 64, 800, 400), "three squares in a wide box: one row");
		assertEquals(1, Pixels.columns(3, 64, 64, 200, 800), "in a tall box: one column");
		assertEquals(2, Pixels.columns(4, 64, 64, 500, 500), "four in a square box: 2x2");
		assertEquals(7, Pixels.columns(7, 64, 64, 1600, 900), "a prime number of images: a row, never a short last row");
		assertArrayEquals(new int[] { r, g, b }, Pixels.mosaic(List.of(new int[] { r }, new int[] { g }, new int[] { b }), 1, 1, 3),
				"three images in a row, no black tile");
		assertArrayEquals(new int[] { r, r, g, g }, Pixels.mosaic(List.of(new int[] { r, r }, new int[] { g, g }), 2, 1, 2), "two images side by side");
		assertArrayEquals(new int[] { r, g, b, r }, Pixels.mosaic(List.of(new int[] { r }, new int[] { g }, new int[] { b }, new int[] { r }), 1, 1, 2),
				"row by row");
		assertThrows(IllegalArgumentException.class, () -> Pixels.mosaic(List.of(new int[] { r }, new int[] { g }, new int[] { b }), 1, 1, 2));
	}
}
