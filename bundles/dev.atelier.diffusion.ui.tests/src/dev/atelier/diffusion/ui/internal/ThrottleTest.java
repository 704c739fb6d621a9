package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThrottleTest {

	@Test
	void theFirstUpdateRunsAtOnceAndLaterOnesWaitForTheInterval() {
		Throttle throttle = new Throttle(100);
		assertEquals(0, throttle.reserve(1_000));
		assertEquals(90, throttle.reserve(1_010), "10 ms after the last: wait until 100 ms after it");
		assertEquals(0, throttle.reserve(1_250), "long after the last reserved slot: at once");
		assertEquals(100, throttle.reserve(1_250), "two at the same time: the second waits a whole interval");
	}

	@Test
	void aZeroIntervalNeverWaits() {
		Throttle throttle = new Throttle(0);
		assertEquals(0, throttle.reserve(5));
		assertEquals(0, throttle.reserve(5));
	}
}
