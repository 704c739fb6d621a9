package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.scheduler.Sampler;

/**
 * Both views made by E4 injection as the workbench makes them, from an OSGi service context: services through
 * {@code @Service}, the event broker over EventAdmin, and the Diffusion view's {@code @UIEventTopic} subscription.
 */
class ViewsByInjectionTest {

	@TempDir
	Path dir;

	/** Runs UI work on the display's thread, as the workbench's UISynchronize does. */
	private static final class DisplaySync extends UISynchronize {
		private final Display display;

		DisplaySync(Display display) {
			this.display = display;
		}

		@Override
		public void syncExec(Runnable runnable) {
			display.syncExec(runnable);
		}

		@Override
		public void asyncExec(Runnable runnable) {
			display.asyncExec(runnable);
		}

		@Override
		protected boolean isUIThread(Thread thread) {
			return display.getThread() == thread;
		}

		@Override
		protected void showBusyWhile(Runnable runnable) {
			runnable.run();
		}

		@Override
		protected boolean dispatchEvents() {
			return display.readAndDispatch();
		}
	}

	@Test
	void reuseParametersInTheGalleryFillsTheDiffusionViewsFormThroughTheEventBroker() throws Exception {
		Display display = Display.getDefault();
		BundleContext bundle = FrameworkUtil.getBundle(ViewsByInjectionTest.class).getBundleContext();
		Path outputs = dir.resolve("outputs");
		GenerationRequest made = new GenerationRequest("a windmill", "rain", Sampler.DPMPP_2M, 18, 5.5, 31337, 512, 768, 1, null, 0.75);
		Path file = Fakes.png(outputs.resolve("00000-31337.png"), 64, 96, 0x808080, made);
		Hashtable<String, Object> ranking = new Hashtable<>();
		ranking.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
		ServiceRegistration<DiffusionService> registration = bundle.registerService(DiffusionService.class, new Fakes.Diffusion(Fakes.jobs(), outputs),
				ranking);
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		IEclipseContext context = EclipseContextFactory.getServiceContext(bundle).createChild("views");
		try {
			context.set(UISynchronize.class, new DisplaySync(display));
			// as E4Application does with the application context: the injector's own suppliers (@UIEventTopic's
			// among them) take their UISynchronize from here
			ContextInjectionFactory.setDefault(context);
			IEclipseContext diffusionContext = context.createChild("diffusion");
			diffusionContext.set(Composite.class, new Composite(shell, SWT.NONE));
			DiffusionPart diffusion = ContextInjectionFactory.make(DiffusionPart.class, diffusionContext);
			IEclipseContext galleryContext = context.createChild("gallery");
			galleryContext.set(Composite.class, new Composite(shell, SWT.NONE));
			GalleryPart gallery = ContextInjectionFactory.make(GalleryPart.class, galleryContext);
			shell.open();

			assertNotNull(gallery.broker, "the workbench's event broker is injected");
			assertEquals(List.of(file), gallery.grid.files(), "the gallery shows the injected service's output folder");
			gallery.grid.select(file);
			assertEquals(made, gallery.reuseSelected());
			assertEquals(made, diffusion.request(), "the Diffusion view heard the request and took it into its form");
			assertEquals("a windmill", diffusion.prompt.getText());
			assertEquals("DPM++ 2M", diffusion.sampler.getText());
		} finally {
			ContextInjectionFactory.setDefault(null);
			context.dispose();
			shell.dispose();
			registration.unregister();
		}
	}
}
