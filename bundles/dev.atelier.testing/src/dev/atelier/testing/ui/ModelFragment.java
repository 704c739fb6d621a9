package dev.atelier.testing.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What a UI bundle's {@code fragment.e4xmi} contributes to the application model: commands, handlers, key bindings and
 * the menu and tool items that show commands. Read as XML, so that a test checks the file the workbench merges without
 * starting one; command references (by {@code xmi:id}, imported ones included) come back as command element ids.
 */
public final class ModelFragment {

	/** A command the fragment defines or imports. */
	public record Command(String elementId, String name, boolean imported) {
	}

	/** A handler; {@code part} is the element id of the part it belongs to, null for one of the application. */
	public record Handler(String elementId, String contributionUri, String command, String part) {
	}

	/** A key binding, e.g. {@code M1+ENTER}, with the table it is added to (a parent element id). */
	public record KeyBinding(String keySequence, String command, String table) {
	}

	/** A menu or tool item that executes a command; {@code part} as for {@link Handler}. */
	public record Item(String label, String command, String part) {
	}

	private final Bundle bundle;
	private final Map<String, Command> commandsById = new HashMap<>();
	private final List<Handler> handlers = new ArrayList<>();
	private final List<KeyBinding> keyBindings = new ArrayList<>();
	private final List<Item> items = new ArrayList<>();

	private ModelFragment(Bundle bundle, Document document) {
		this.bundle = bundle;
		Element root = document.getDocumentElement();
		for (Element e : all(root)) {
			if (type(e).equals("commands:Command")) {
				commandsById.put(e.getAttribute("xmi:id"), new Command(e.getAttribute("elementId"), e.getAttribute("commandName"),
						e.getTagName().equals("imports")));
			}
		}
		for (Element e : all(root)) {
			String type = type(e);
			if (type.equals("commands:Handler") || e.getTagName().equals("handlers")) {
				handlers.add(new Handler(e.getAttribute("elementId"), e.getAttribute("contributionURI"), command(e), part(e)));
			} else if (type.equals("commands:KeyBinding") || e.getTagName().equals("bindings")) {
				keyBindings.add(new KeyBinding(e.getAttribute("keySequence"), command(e), table(e)));
			} else if (type.equals("menu:HandledToolItem") || type.equals("menu:HandledMenuItem")) {
				items.add(new Item(e.getAttribute("label"), command(e), part(e)));
			}
		}
	}

	/** The fragment named by the {@code Model-Fragment} header of the bundle of {@code from} (a test fragment's host). */
	public static ModelFragment of(Class<?> from) throws IOException {
		Bundle bundle = FrameworkUtil.getBundle(from);
		if (bundle == null) {
			throw new IllegalStateException(from.getName() + " is not loaded by an OSGi bundle");
		}
		String name = Optional.ofNullable(bundle.getHeaders("").get("Model-Fragment")).orElse("fragment.e4xmi").split(";")[0].strip();
		URL entry = bundle.getEntry(name);
		if (entry == null) {
			throw new AssertionError(bundle.getSymbolicName() + " has no " + name);
		}
		try (InputStream in = entry.openStream()) {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			return new ModelFragment(bundle, factory.newDocumentBuilder().parse(in));
		} catch (ParserConfigurationException | SAXException e) {
			throw new IOException(bundle.getSymbolicName() + "/" + name + ": " + e.getMessage(), e);
		}
	}

	/** The commands defined here and those imported from the application model or other fragments. */
	public List<Command> commands() {
		return List.copyOf(commandsById.values());
	}

	public Optional<Command> command(String elementId) {
		return commandsById.values().stream().filter(c -> c.elementId().equals(elementId)).findFirst();
	}

	public List<Handler> handlers() {
		return List.copyOf(handlers);
	}

	/** The handler of a command in a part (or, for a null part, of the application). */
	public Optional<Handler> handler(String command, String part) {
		return handlers.stream().filter(h -> h.command().equals(command) && java.util.Objects.equals(h.part(), part)).findFirst();
	}

	public List<KeyBinding> keyBindings() {
		return List.copyOf(keyBindings);
	}

	/** The key sequence bound to a command, if any. */
	public Optional<String> keySequence(String command) {
		return keyBindings.stream().filter(b -> b.command().equals(command)).map(KeyBinding::keySequence).findFirst();
	}

	public List<Item> items() {
		return List.copyOf(items);
	}

	/** The class a handler's {@code bundleclass://} URI names, loaded from the bundle it names (this one). */
	public Class<?> handlerClass(Handler handler) throws ClassNotFoundException {
		String uri = handler.contributionUri();
		String prefix = "bundleclass://" + bundle.getSymbolicName() + "/";
		if (!uri.startsWith(prefix)) {
			throw new AssertionError(handler.elementId() + ": " + uri + " does not name a class of " + bundle.getSymbolicName());
		}
		return bundle.loadClass(uri.substring(prefix.length()));
	}

	private String command(Element e) {
		Command c = commandsById.get(e.getAttribute("command"));
		if (c == null) {
			throw new AssertionError("no command with xmi:id '" + e.getAttribute("command") + "' for " + e.getAttribute("elementId"));
		}
		return c.elementId();
	}

	private static String type(Element e) {
		return e.getAttribute("xsi:type");
	}

	/** The element id of the part the element is in, or null. */
	private static String part(Element e) {
		for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
			if (type(p).equals("basic:Part")) {
				return p.getAttribute("elementId");
			}
		}
		return null;
	}

	/** The binding table a key binding goes into: its fragment's parent element id, or its enclosing table's. */
	private static String table(Element e) {
		for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
			if (type(p).equals("commands:BindingTable")) {
				return p.getAttribute("elementId");
			}
			if (p.hasAttribute("parentElementId")) {
				return p.getAttribute("parentElementId");
			}
		}
		return null;
	}

	private static List<Element> all(Element root) {
		List<Element> out = new ArrayList<>();
		NodeList nodes = root.getElementsByTagName("*");
		for (int i = 0; i < nodes.getLength(); i++) {
			out.add((Element) nodes.item(i));
		}
		return out;
	}
}
