package dev.atelier.server.ui.internal;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.atelier.server.LocalServer;
import dev.atelier.ui.AtelierUi;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The status line's server: "Server: ADDRESS" with Copy and Stop while it runs, "Server off" with Start otherwise, and
 * why the last start failed. It only draws; the {@link ServerToggle} starts and stops.
 */
public final class ServerStatus {

	private final ServerToggle toggle;
	private final UISynchronize ui;
	private final IStylingEngine styling;
	private final Runnable listener = this::refreshLater;

	Label state;
	Button onOff;
	Button copy;
	Label problem;

	@Inject
	public ServerStatus(@Service ServerToggle toggle, UISynchronize ui, @Optional IStylingEngine styling) {
		this.toggle = toggle;
		this.ui = ui;
		this.styling = styling;
	}

	@PostConstruct
	public void create(Composite parent) {
		Composite line = new Composite(parent, SWT.NONE);
		GridLayout layout = new GridLayout(4, false);
		layout.marginHeight = 2;
		line.setLayout(layout);
		state = new Label(line, SWT.NONE);
		state.setLayoutData(new GridData(250, SWT.DEFAULT));
		onOff = new Button(line, SWT.PUSH | SWT.FLAT);
		onOff.addListener(SWT.Selection, e -> toggle.toggle());
		copy = new Button(line, SWT.PUSH | SWT.FLAT);
		copy.setText("Copy");
		copy.setToolTipText("Copy the server's address, for a client's settings");
		copy.addListener(SWT.Selection, e -> toggle.state().running().ifPresent(running -> {
			Clipboard clipboard = new Clipboard(copy.getDisplay());
			try {
				clipboard.setContents(new Object[] { running.address().toString() }, new Transfer[] { TextTransfer.getInstance() });
			} finally {
				clipboard.dispose();
			}
		}));
		problem = new Label(line, SWT.NONE);
		problem.setLayoutData(new GridData(420, SWT.DEFAULT));
		if (styling != null) {
			styling.setClassname(problem, AtelierUi.ERROR_CLASS);
		}
		toggle.addListener(listener);
		refresh();
	}

	@PreDestroy
	public void dispose() {
		toggle.removeListener(listener);
	}

	private void refreshLater() {
		ui.asyncExec(this::refresh);
	}

	void refresh() {
		if (state == null || state.isDisposed()) {
			return;
		}
		ServerToggle.State now = toggle.state();
		LocalServer.Running running = now.running().orElse(null);
		if (now.busy()) {
			state.setText(running == null ? "Server: starting…" : "Server: stopping…");
		} else {
			state.setText(running == null ? "Server off" : "Server: " + running.address());
		}
		state.setToolTipText(running == null ? "OpenAI, Ollama and AUTOMATIC1111 clients can use this IDE's models once the server runs"
				: "OpenAI clients: " + running.address() + "v1, Ollama clients: " + running.address() + ", AUTOMATIC1111 clients: " + running.address()
						+ "; models from " + running.models() + (running.keyed() ? "; clients send the key stored with 'atelier serve key'" : ""));
		onOff.setText(running == null ? "Start" : "Stop");
		onOff.setToolTipText(running == null ? "Start the server on the address of Window ▸ Preferences ▸ Server" : "Stop the server; its running answers end");
		onOff.setEnabled(!now.busy());
		copy.setEnabled(running != null && !now.busy());
		problem.setText(now.problem() == null ? "" : now.problem());
		problem.setToolTipText(now.problem());
		state.getParent().layout(true);
		state.getParent().getParent().layout(true);
	}
}
