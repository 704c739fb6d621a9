package dev.example.hello.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.fragment.MModelFragments;
import org.eclipse.e4.ui.model.fragment.MStringModelFragment;
import org.eclipse.e4.ui.model.fragment.impl.FragmentPackageImpl;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.xmi.impl.XMIResourceImpl;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.ui.AtelierUi;
import dev.example.hello.HelloPart;

class HelloPluginTest {

	private final BundleContext context = FrameworkUtil.getBundle(HelloPluginTest.class).getBundleContext();

	@Test
	void helloSubcommandIsAServiceThatGreets() throws Exception {
		List<Subcommand> subcommands = new ArrayList<>();
		for (ServiceReference<Subcommand> ref : context.getServiceReferences(Subcommand.class, null)) {
			subcommands.add(context.getService(ref));
		}
		AtelierEnvironment env = context.getService(context.getServiceReference(AtelierEnvironment.class));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(subcommands, CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, env), List.of("hello", "Ada"));
		assertEquals(0, code, "the DS component registered the hello subcommand");
		assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Hello, Ada, from a third-party plugin in Atelier "),
				out.toString(StandardCharsets.UTF_8));
		assertEquals(2, Cli.run(subcommands, CommandContext.of(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), env),
				List.of("hello", "a", "b")));
		assertEquals("atelier hello: unexpected argument 'b' (see atelier hello --help)\n", err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void modelFragmentPutsTheHelloViewIntoAtelierLeftStack() throws Exception {
		Bundle bundle = FrameworkUtil.getBundle(HelloPart.class);
		// notexists: a view the user moved or closed stays so in a saved layout, and a new view joins it
		assertEquals("fragment.e4xmi;apply=notexists", bundle.getHeaders().get("Model-Fragment"));
		FragmentPackageImpl.eINSTANCE.eClass();
		XMIResourceImpl resource = new XMIResourceImpl(URI.createURI("platform:/plugin/dev.example.hello/fragment.e4xmi"));
		try (InputStream in = bundle.getEntry("fragment.e4xmi").openStream()) {
			resource.load(in, null);
		}
		MStringModelFragment fragment = (MStringModelFragment) ((MModelFragments) resource.getContents().get(0)).getFragments().get(0);
		assertEquals(AtelierUi.PARTSTACK_LEFT, fragment.getParentElementId());
		MPart part = (MPart) fragment.getElements().get(0);
		assertEquals("bundleclass://dev.example.hello/" + HelloPart.class.getName(), part.getContributionURI());
		assertEquals(HelloPart.class, bundle.loadClass(HelloPart.class.getName()));
	}
}
