package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.core.Notices;
import dev.atelier.core.internal.NoticeBoard;

class NoticeBoardTest {

	@Test
	void aNewerPostUnderTheSameKeyReplacesTheOlderAndClearRemovesIt() {
		NoticeBoard board = new NoticeBoard();
		List<Integer> sizes = new ArrayList<>();
		board.addListener(now -> sizes.add(now.size()));
		board.post("power:cuda:0:TEMPERATURE", Notices.Severity.WARNING, "cuda:0 at 84 °C");
		board.post("power:cuda:0:THROTTLING", Notices.Severity.WARNING, "cuda:0 is throttled");
		board.post("power:cuda:0:TEMPERATURE", Notices.Severity.WARNING, "cuda:0 at 86 °C");
		assertEquals(List.of("cuda:0 is throttled", "cuda:0 at 86 °C"), board.current().stream().map(Notices.Notice::text).toList());
		board.clear("power:cuda:0:THROTTLING");
		board.clear("power:cuda:0:THROTTLING");
		assertEquals(List.of("cuda:0 at 86 °C"), board.current().stream().map(Notices.Notice::text).toList());
		assertEquals(List.of(1, 2, 2, 1), sizes, "a clear of nothing is not news");
	}
}
