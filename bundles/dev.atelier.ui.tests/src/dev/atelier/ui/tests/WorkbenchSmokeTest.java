package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspectiveStack;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.model.application.ui.menu.MToolControl;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import dev.atelier.core.Notices;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;
import dev.atelier.ui.AtelierUi;

/**
 * Starts the real E4 workbench from the Atelier application model in this OSGi runtime, checks what it shows,
 * writes a screenshot to target/screenshots/, and closes it.
 */
class WorkbenchSmokeTest {

	private final List<String> errors = new ArrayList<>();
	private final List<String> checks = new ArrayList<>();
	private String statusText;
	private Path screenshot;

	@Test
	void workbenchComesUpWithTheAtelierPerspectivePartsAndStatusLine() throws Exception {
		LogReaderService logs = Services.await(WorkbenchSmokeTest.class, LogReaderService.class);
		LogListener errorCollector = entry -> {
			if (entry.getLogLevel() == LogLevel.ERROR) {
				errors.add(describe(entry));
			}
		};
		logs.addLogListener(errorCollector);
		JobService jobs = Services.await(WorkbenchSmokeTest.class, JobService.class);
		Notices notices = Services.await(WorkbenchSmokeTest.class, Notices.class);
		notices.post("smoke", Notices.Severity.WARNING, "cuda:0 at 86 °C (alert at 83 °C)");
		CountDownLatch release = new CountDownLatch(1);
		JobHandle<Void> job = jobs.submit("Smoke render", ctx -> {
			ctx.begin("frame 5 of 10", 10);
			ctx.worked(5);
			release.await();
			return null;
		});
		try {
			RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
				inspect(window);
				// Give the first paint time to finish before the picture is taken.
				Displays.settle(Display.getCurrent(), Duration.ofMillis(1500));
				screenshot = Screenshots.save((Shell) window.getWidget(), "workbench.png");
			});
		} finally {
			release.countDown();
			logs.removeLogListener(errorCollector);
		}
		job.result().get();
		assertEquals(List.of(), checks, "what the workbench got wrong");
		assertEquals(List.of(), errors, "errors logged while the workbench ran");
		assertNotNull(statusText, "status line text");
		assertTrue(statusText.contains("Smoke render: frame 5 of 10"), statusText);
		assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot + " has content");
	}

	private void inspect(MWindow window) {
		EModelService models = window.getContext().get(EModelService.class);
		MApplication app = window.getContext().get(MApplication.class);
		check(app != null && "dev.atelier.ui.application".equals(app.getElementId()), "application model is Atelier's");
		check("Atelier".equals(((Shell) window.getWidget()).getText()), "window title is Atelier");
		MPerspectiveStack stack = (MPerspectiveStack) models.find("dev.atelier.ui.perspectivestack", window);
		MPerspective selected = stack == null ? null : stack.getSelectedElement();
		check(selected != null && AtelierUi.PERSPECTIVE.equals(selected.getElementId()), "Atelier perspective is shown");
		for (String id : List.of(AtelierUi.PARTSTACK_LEFT, AtelierUi.PARTSTACK_CENTER, AtelierUi.PARTSTACK_BOTTOM)) {
			check(models.find(id, window) != null, "part stack " + id + " exists for plugin views");
		}
		for (String id : List.of("dev.atelier.ui.part.workspace", "dev.atelier.ui.part.welcome", "dev.atelier.ui.part.jobs")) {
			MPart part = (MPart) models.find(id, window);
			check(part != null && part.getObject() != null && part.getWidget() instanceof Control c && !c.isDisposed(),
					"part " + id + " is rendered");
		}
		MToolControl status = (MToolControl) models.find("dev.atelier.ui.statusline", window);
		check(status != null && status.getWidget() instanceof Composite, "status line is rendered");
		if (status != null && status.getWidget() instanceof Composite c) {
			statusText = firstLabel(c);
			check(labels(c).contains("cuda:0 at 86 °C (alert at 83 °C)"), "the status line shows the notice: " + labels(c));
		}
	}

	private void check(boolean ok, String what) {
		if (!ok) {
			checks.add(what);
		}
	}

	private static String firstLabel(Composite composite) {
		for (Control child : composite.getChildren()) {
			if (child instanceof Label label) {
				return label.getText();
			}
			if (child instanceof Composite inner) {
				String text = firstLabel(inner);
				if (text != null) {
					return text;
				}
			}
		}
		return null;
	}

	/** The texts of every label under a composite, depth first. */
	private static List<String> labels(Composite composite) {
		List<String> texts = new ArrayList<>();
		for (Control child : composite.getChildren()) {
			if (child instanceof Label label) {
				texts.add(label.getText());
			} else if (child instanceof Composite inner) {
				texts.addAll(labels(inner));
			}
		}
		return texts;
	}

	private static String describe(LogEntry entry) {
		Bundle bundle = entry.getBundle();
		return (bundle == null ? "?" : bundle.getSymbolicName()) + ": " + entry.getMessage()
				+ (entry.getException() == null ? "" : " (" + entry.getException() + ")");
	}
}
