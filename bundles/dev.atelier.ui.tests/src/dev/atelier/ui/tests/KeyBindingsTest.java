package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.bindings.EBindingService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.jface.bindings.Binding;
import org.eclipse.jface.bindings.keys.KeySequence;
import org.junit.jupiter.api.Test;

/** The views' key bindings as the running workbench dispatches them, the Viewport shown: Home resets its view, F frames. */
class KeyBindingsTest {

	@Test
	void withTheViewportShownHomeIsResetViewAndFIsFrame() throws Exception {
		List<String> bound = new ArrayList<>();
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			window.getContext().get(EPartService.class).showPart("dev.atelier.viewport.ui.part.viewport", EPartService.PartState.ACTIVATE);
			EBindingService bindings = window.getContext().get(EBindingService.class);
			for (String keys : List.of("HOME", "F")) {
				Binding binding = bindings.getPerfectMatch(KeySequence.getInstance(keys));
				assertNotNull(binding, keys + " is bound");
				bound.add(keys + " " + binding.getParameterizedCommand().getId());
			}
		});
		assertEquals(List.of("HOME dev.atelier.viewport.ui.command.resetView", "F dev.atelier.viewport.ui.command.frame"), bound);
	}
}
