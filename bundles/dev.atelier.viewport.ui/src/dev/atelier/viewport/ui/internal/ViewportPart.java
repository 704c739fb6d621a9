package dev.atelier.viewport.ui.internal;

import java.nio.file.Path;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.services.EContextService;
import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.ui.OpensFiles;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The Viewport: a scene in OpenGL, shaded physically (glTF metallic-roughness, punctual lights, image-based lighting)
 * and moved with the mouse (a click selects a mesh, which Frame then fits into view), or path-traced progressively in
 * place; Render writes a path-traced PNG as a job. Scenes come from the built-in list or a glTF file ("Open…"); what
 * goes wrong (a file that does not load, no OpenGL, a failed render) is said in the view, which carries on with what
 * it had. The part wires its services to the {@link ViewportForm} (the widgets) and the {@link ViewportController}
 * (what they start), and answers the handlers.
 */
public final class ViewportPart implements OpensFiles {

	private final JobService jobs;
	private final UISynchronize sync;
	private volatile Outputs outputs;
	private volatile DeviceService devices;
	ViewportForm form;
	/** Set once the form is attached; read by {@link #devices} off the UI thread too. */
	volatile ViewportController controller;

	/** The binding context of F and Home: active while the scene has the keyboard. */
	static final String SCENE_KEYS = "dev.atelier.viewport.ui.context.scene";

	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	EContextService contexts;

	/** The workbench's CSS styling, which colours problem text as the theme says; absent outside the workbench. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	IStylingEngine styling;

	@Inject
	public ViewportPart(@Service JobService jobs, UISynchronize sync) {
		this.jobs = jobs;
		this.sync = sync;
	}

	/** Where renders go: the workspace's outputs; without the service, those of the workspace the environment names. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void outputs(@Service Outputs service) {
		outputs = service;
	}

	/** Whether CUDA could be offered; called again, possibly off the UI thread, when the service comes or goes. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void devices(@Service DeviceService service) {
		devices = service;
		if (controller != null) {
			controller.devicesChanged();
		}
	}

	@PostConstruct
	public void create(Composite parent) {
		ViewportController c = new ViewportController(jobs, sync, () -> outputs, () -> devices);
		form = new ViewportForm(parent, c, sync::asyncExec);
		form.styling = styling;
		c.attach(form);
		controller = c;
		if (contexts != null && form.sceneControl() != null) {
			form.sceneControl().addListener(SWT.FocusIn, e -> contexts.activateContext(SCENE_KEYS));
			form.sceneControl().addListener(SWT.FocusOut, e -> contexts.deactivateContext(SCENE_KEYS));
		}
	}

	/** File ▸ Open with a glTF scene: loaded as Open… in the view loads it. */
	@Override
	public void open(Path file) {
		controller.open(file);
	}

	/** Whether there is a view to frame: Frame (the button, the command and F). */
	boolean canFrame() {
		return controller != null && controller.canFrame();
	}

	/** Whether a render can start: a scene shows and none is rendering (the button, the command). */
	boolean canRender() {
		return controller != null && controller.canRender();
	}

	/** Whether a render runs: Cancel (the button, Stop and Esc). */
	boolean isRendering() {
		return controller != null && controller.isRendering();
	}

	void frameSelection() {
		form.frameSelection();
	}

	/** Reset View (the button, the command): back to the view the scene opened with. */
	void resetView() {
		controller.resetView();
	}

	/** Submits a render of the view at the resolution the form gives; its passes show in the view. Returns the job, or null. */
	JobHandle<PathTraces.Rendered> render() {
		return controller.render();
	}

	void cancelRender() {
		controller.cancelRender();
	}

	@PreDestroy
	public void close() {
		if (controller != null) {
			controller.close();
		}
	}
}
