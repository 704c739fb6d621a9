package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.testing.ui.ModelFragment;

/** Frame (F), Reset View (Home), Render and Stop (Esc) as commands handled in the Viewport's part, shown in its toolbar. */
class CommandsTest {

	private static final String PART = "dev.atelier.viewport.ui.part.viewport";
	private static final String FRAME = "dev.atelier.viewport.ui.command.frame";
	private static final String RESET_VIEW = "dev.atelier.viewport.ui.command.resetView";
	private static final String RENDER = "dev.atelier.viewport.ui.command.render";
	private static final String STOP = "dev.atelier.ui.command.stop";

	@Test
	void frameIsFResetViewIsHomeAndBothRenderAndStopAreHandledInTheViewportsPart() throws Exception {
		ModelFragment fragment = ModelFragment.of(ViewportPart.class);
		assertEquals(Optional.of("F"), fragment.keySequence(FRAME));
		assertEquals(Optional.of("HOME"), fragment.keySequence(RESET_VIEW));
		assertEquals(FrameHandler.class, fragment.handlerClass(fragment.handler(FRAME, PART).orElseThrow()));
		assertEquals(ResetViewHandler.class, fragment.handlerClass(fragment.handler(RESET_VIEW, PART).orElseThrow()));
		assertEquals(RenderHandler.class, fragment.handlerClass(fragment.handler(RENDER, PART).orElseThrow()));
		assertEquals(CancelRenderHandler.class, fragment.handlerClass(fragment.handler(STOP, PART).orElseThrow()));
		assertTrue(fragment.command(STOP).orElseThrow().imported(), "Stop (Esc) is the workbench's");
		assertEquals(List.of(FRAME, RESET_VIEW, RENDER, STOP), fragment.items().stream().map(ModelFragment.Item::command).toList());
	}

	@Test
	void withoutAnActiveViewportNothingIsEnabled() {
		assertFalse(new FrameHandler().canExecute(null) || new ResetViewHandler().canExecute(null) || new RenderHandler().canExecute(null) || new CancelRenderHandler().canExecute(null));
	}
}
