package dev.atelier.ui.internal.parts;

import java.util.List;
import java.util.Map;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.InfoContributor;
import dev.atelier.core.SystemInfo;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/** First page of the center stack: what this Atelier is and runs on. */
public final class WelcomePart {

	@Inject
	@Service
	private AtelierEnvironment env;

	@Inject
	@Service
	private List<InfoContributor> contributors;

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(2, false));
		Label title = new Label(parent, SWT.NONE);
		title.setText("Atelier");
		title.setFont(JFaceResources.getHeaderFont());
		title.setLayoutData(new GridData(SWT.BEGINNING, SWT.CENTER, false, false, 2, 1));
		Label intro = new Label(parent, SWT.WRAP);
		intro.setText("A workbench for makers with one big NVIDIA GPU: image generation, a local LLM, PBR and "
				+ "path-traced scenes, CUDA kernels and power monitoring, sharing one device.");
		intro.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
		for (Map.Entry<String, String> fact : SystemInfo.describe(env, contributors).entrySet()) {
			new Label(parent, SWT.NONE).setText(fact.getKey());
			Label value = new Label(parent, SWT.WRAP);
			value.setText(fact.getValue());
			value.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		}
	}
}
