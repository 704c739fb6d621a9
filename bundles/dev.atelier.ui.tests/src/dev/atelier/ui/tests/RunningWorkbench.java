package dev.atelier.ui.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.eclipse.core.runtime.IConfigurationElement;
import org.eclipse.core.runtime.IExtension;
import org.eclipse.core.runtime.RegistryFactory;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.ui.internal.workbench.ModelAssembler;
import org.eclipse.e4.ui.internal.workbench.swt.E4Application;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.custom.CLabel;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/**
 * The Atelier E4 application started in this OSGi runtime as the product's launcher starts it (the branding of
 * dev.atelier.ui.product, the arguments given), with every view bundle of the UI feature. A script drives the main
 * window on the UI thread once its parts are rendered; then the workbench closes (saving its layout unless
 * {@code -persistState false}) and what the script threw is thrown here.
 */
final class RunningWorkbench {

	/** What a test does with the running workbench's main window. */
	interface Script {
		void run(MWindow window) throws Exception;
	}

	/** A first run: no saved layout, none saved. */
	static final List<String> FRESH = List.of("-persistState", "false", "-clearPersistedState");

	private RunningWorkbench() {
	}

	static void run(List<String> arguments, Script script) throws Exception {
		freshModelAssembler();
		Display display = Display.getDefault();
		Throwable[] failure = { null };
		boolean[] ran = { false };
		display.asyncExec(() -> {
			MWindow window = null;
			try {
				Displays.spinUntil(display, () -> ready(atelierWindow(display)), Displays.DEFAULT_TIMEOUT.multipliedBy(3));
				window = atelierWindow(display);
				ran[0] = true;
				script.run(window);
			} catch (Throwable t) {
				failure[0] = t;
			} finally {
				if (window != null) {
					window.getContext().get(IWorkbench.class).close();
				} else {
					for (Shell shell : display.getShells()) {
						shell.close();
					}
				}
			}
		});
		new E4Application().start(new AppContext(arguments.toArray(String[]::new)));
		if (failure[0] instanceof Exception e) {
			throw e;
		}
		if (failure[0] instanceof Error e) {
			throw e;
		}
		if (!ran[0]) {
			throw new AssertionError("the workbench window never came up");
		}
	}

	/**
	 * E4's ModelAssembler reads the views' Model-Fragment headers once per component instance and moves their parts
	 * into the first application model; the product starts one workbench per JVM, these tests several, so each start
	 * gets a new instance that reads the fragments again.
	 */
	private static void freshModelAssembler() throws Exception {
		BundleContext context = FrameworkUtil.getBundle(RunningWorkbench.class).getBundleContext();
		ServiceComponentRuntime scr = context.getService(context.getServiceReference(ServiceComponentRuntime.class));
		Bundle workbench = FrameworkUtil.getBundle(ModelAssembler.class);
		ComponentDescriptionDTO assembler = scr.getComponentDescriptionDTO(workbench, ModelAssembler.class.getName());
		scr.disableComponent(assembler).getValue();
		scr.enableComponent(assembler).getValue();
	}

	/** Runs a command's handler in the window, as its menu item would. */
	static void execute(MWindow window, String command, Map<String, Object> parameters) {
		ECommandService commands = window.getContext().get(ECommandService.class);
		window.getContext().get(EHandlerService.class).executeHandler(commands.createCommand(command, parameters));
	}

	/** The texts shown under a composite (labels, fields and combos), depth first. */
	static List<String> texts(Composite parent) {
		List<String> texts = new ArrayList<>();
		for (Control child : parent.getChildren()) {
			if (child instanceof Label l) {
				texts.add(l.getText());
			} else if (child instanceof CLabel l && l.getText() != null) {
				texts.add(l.getText());
			} else if (child instanceof Text t) {
				texts.add(t.getText());
			} else if (child instanceof Combo c) {
				texts.add(c.getText());
			} else if (child instanceof Composite inner) {
				texts.addAll(texts(inner));
			}
		}
		return texts;
	}

	/** The first control of this type under a composite, depth first, that {@code test} accepts. */
	static <T extends Control> T find(Composite parent, Class<T> type, Predicate<T> test) {
		for (Control child : parent.getChildren()) {
			if (type.isInstance(child) && test.test(type.cast(child))) {
				return type.cast(child);
			}
			if (child instanceof Composite inner) {
				T found = find(inner, type, test);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	/** The visible shell with this title, once it is open (a dialog opened by a command). */
	static Shell shellTitled(Display display, String title) {
		Displays.spinUntil(display, () -> List.of(display.getShells()).stream().anyMatch(s -> s.isVisible() && title.equals(s.getText())));
		return List.of(display.getShells()).stream().filter(s -> s.isVisible() && title.equals(s.getText())).findFirst().orElseThrow();
	}

	/** Puts the window at the top left with this size, not maximised, laid out. */
	static void resize(MWindow window, int width, int height) {
		Shell shell = (Shell) window.getWidget();
		shell.setMaximized(false);
		shell.setBounds(0, 0, width, height);
		shell.layout(true, true);
		Displays.settle(shell.getDisplay(), Screenshots.SETTLE);
	}

	static MWindow atelierWindow(Display display) {
		for (Shell shell : display.getShells()) {
			if (shell.isVisible() && shell.getData("modelElement") instanceof MWindow window
					&& "dev.atelier.ui.window.main".equals(window.getElementId())) {
				return window;
			}
		}
		return null;
	}

	private static boolean ready(MWindow window) {
		if (window == null) {
			return false;
		}
		EModelService models = window.getContext().get(EModelService.class);
		List<MPart> parts = models.findElements(window, null, MPart.class);
		return !parts.isEmpty() && parts.stream().filter(MPart::isVisible).filter(MPart::isToBeRendered)
				.filter(p -> p.getParent() != null && p.getParent().getSelectedElement() == p)
				.allMatch(p -> p.getObject() != null && p.getWidget() != null);
	}

	/** What the launcher hands E4Application: the branding of dev.atelier.ui.product and the command line. */
	private record AppContext(String[] arguments) implements IApplicationContext {
		@Override
		public Map<?, ?> getArguments() {
			return Map.of(APPLICATION_ARGS, arguments);
		}

		@Override
		public void applicationRunning() {
		}

		@Override
		public String getBrandingApplication() {
			return "org.eclipse.e4.ui.workbench.swt.E4Application";
		}

		@Override
		public String getBrandingName() {
			return "Atelier";
		}

		@Override
		public String getBrandingDescription() {
			return "Atelier";
		}

		@Override
		public String getBrandingId() {
			return "dev.atelier.ui.product";
		}

		/** The product's properties, read from dev.atelier.ui's plugin.xml so that the test cannot drift from it. */
		@Override
		public String getBrandingProperty(String key) {
			IExtension product = RegistryFactory.getRegistry().getExtension("org.eclipse.core.runtime.products", "dev.atelier.ui.product");
			for (IConfigurationElement property : product.getConfigurationElements()[0].getChildren("property")) {
				if (key.equals(property.getAttribute("name"))) {
					return property.getAttribute("value");
				}
			}
			return null;
		}

		@Override
		public Bundle getBrandingBundle() {
			return FrameworkUtil.getBundle(RunningWorkbench.class);
		}

		@Override
		public void setResult(Object result, org.eclipse.equinox.app.IApplication application) {
		}
	}
}
