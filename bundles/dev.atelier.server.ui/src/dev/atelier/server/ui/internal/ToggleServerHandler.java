package dev.atelier.server.ui.internal;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;

/** Window ▸ Start or Stop the Local Server: the status line shows how it went. */
public final class ToggleServerHandler {

	@Execute
	public void execute(@Service ServerToggle toggle) {
		toggle.toggle();
	}
}
