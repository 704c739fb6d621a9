package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TonemapTest {

	@Test
	void srgbEncodingFollowsTheStandardCurve() {
		assertEquals(0, Tonemap.encode(0));
		assertEquals(255, Tonemap.encode(1));
		assertEquals(255, Tonemap.encode(7), "clamped");
		assertEquals(0, Tonemap.encode(-1), "clamped");
		assertEquals(188, Tonemap.encode(0.5f), "0.5 linear is 0.735 in sRGB");
		assertEquals(13, Tonemap.encode(0.004f), "the linear toe: 12.92 × 0.004 × 255");
	}

	@Test
	void exposureIsInStopsAndAcesCompressesHighlights() {
		Image image = new Image(3, 1, new float[] { 0.25f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 100, 100, 100 });
		int[] plain = Tonemap.toArgb(image, 0, Tonemap.Curve.CLAMP);
		int[] brighter = Tonemap.toArgb(image, 1, Tonemap.Curve.CLAMP);
		assertEquals(plain[1], brighter[0], "+1 stop doubles the radiance");
		assertEquals(0xFFFFFFFF, plain[2]);
		int[] aces = Tonemap.toArgb(image, 0, Tonemap.Curve.ACES);
		assertEquals(Tonemap.encode(0.5f * 1.285f / 1.0425f), aces[1] & 0xFF, "Narkowicz's fit at 0.5");
		assertTrue((aces[2] & 0xFF) >= 250, "ACES rolls highlights off to white");
	}
}
