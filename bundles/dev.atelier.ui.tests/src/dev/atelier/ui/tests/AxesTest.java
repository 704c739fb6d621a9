package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import org.eclipse.swt.graphics.RGB;
import org.junit.jupiter.api.Test;

import dev.atelier.ui.Axes;

/** The charts' axes: round value ticks, clock ticks on whole steps of the local time, mixed theme colours. */
class AxesTest {

	@Test
	void valueTicksAreRoundAndLabelledWithTheDecimalsTheirStepNeeds() {
		assertEquals(List.of(0.0, 100.0, 200.0, 300.0), Axes.ticks(0, 302.5, 5));
		assertEquals(List.of("0", "100", "200", "300"), Axes.ticks(0, 302.5, 5).stream().map(v -> Axes.label(v, 100)).toList());
		assertEquals(0.2, Axes.step(0, 1.05, 7), 1e-12);
		assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), Axes.ticks(0, 1.05, 7).stream().map(v -> Axes.label(v, 0.2)).toList());
		assertEquals(List.of(-50.0, 0.0, 50.0), Axes.ticks(-60, 70, 4));
	}

	@Test
	void timeTicksFallOnWholeSecondsMinutesAndHoursOfTheLocalClock() {
		long from = LocalDateTime.of(2026, 12, 6, 14, 29, 52).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli() + 500;
		List<Long> minute = Axes.timeTicks(from, from + 60_000, 6);
		assertEquals(15_000, Axes.timeStep(from, from + 60_000, 6));
		assertEquals(List.of("14:30:00", "14:30:15", "14:30:30", "14:30:45"), minute.stream().map(t -> Axes.timeLabel(t, 15_000)).toList());
		long hour = 3_600_000;
		assertEquals(List.of("14:30", "14:45", "15:00", "15:15"), Axes.timeTicks(from, from + hour, 6).stream().map(t -> Axes.timeLabel(t, 15 * 60_000)).toList());
	}

	@Test
	void aMixGoesFromTheBackgroundToTheForeground() {
		RGB ink = new RGB(255, 255, 255);
		RGB paper = new RGB(0, 0, 100);
		assertEquals(paper, Axes.mix(ink, paper, 0));
		assertEquals(ink, Axes.mix(ink, paper, 1));
		assertEquals(new RGB(51, 51, 131), Axes.mix(ink, paper, 0.2));
	}
}
