package dev.example.hello;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.atelier.core.AtelierEnvironment;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/** The view the plugin adds to Atelier's left part stack. */
public final class HelloPart {

	@Inject
	@Service
	private AtelierEnvironment environment;

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new FillLayout());
		Label label = new Label(parent, SWT.WRAP);
		label.setText("Hello from a third-party plugin.\nWorkspace: " + environment.paths().workspaceRoot());
	}
}
