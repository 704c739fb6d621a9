package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.bindings.EBindingService;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.services.EContextService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.jface.bindings.Binding;
import org.eclipse.jface.bindings.keys.KeySequence;
import org.junit.jupiter.api.Test;

/** The key bindings as the running workbench dispatches them, the Viewport active: Home resets its view, F frames, Ctrl+O opens. */
class KeyBindingsTest {

	@Test
	void withTheViewportActiveHomeIsResetViewFIsFrameAndCtrlOIsOpen() throws Exception {
		List<String> bound = new ArrayList<>();
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			MPart viewport = window.getContext().get(EPartService.class).showPart("dev.atelier.viewport.ui.part.viewport", EPartService.PartState.ACTIVATE);
			// as the key dispatcher asks: the bindings of the active part's context
			EBindingService bindings = viewport.getContext().get(EBindingService.class);
			for (String keys : List.of("HOME", "F", "M1+O")) {
				Binding binding = bindings.getPerfectMatch(KeySequence.getInstance(keys));
				bound.add(keys + " " + (binding == null ? "unbound" : binding.getParameterizedCommand().getId()));
			}
			bound.add("active contexts " + viewport.getContext().get(EContextService.class).getActiveContextIds());
		});
		assertEquals(List.of("HOME dev.atelier.viewport.ui.command.resetView", "F dev.atelier.viewport.ui.command.frame", "M1+O dev.atelier.ui.command.open"),
				bound.subList(0, 3), bound.toString());
	}
}
