package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, read from the bundles' manifests and sources: who may import whom, what is
 * exported, and that capabilities know no device backend.
 */
class ArchitectureIT {

	private static final Path ROOT = Path.of(System.getProperty("atelier.root", "../.."));

	/** Layers, lowest first; a bundle imports packages of its own layer's API or of lower layers only. */
	private enum Layer {
		CORE, DEVICE_API, BACKEND, COMPUTE, CAPABILITY, SERVER, WORKBENCH, VIEW
	}

	private static final Set<String> CAPABILITIES = Set.of("diffusion", "llm", "viewport", "power", "bench");

	/** Exported for third-party plugins though no bundle of ours imports them (docs/architecture.md lists them). */
	private static final Set<String> PLUGIN_API = Set.of("dev.atelier.diffusion.exec", "dev.atelier.server");

	private record Bundle(String name, Layer layer, List<String> exports, List<String> exportClauses, List<String> imports) {
	}

	private static Layer layerOf(String name) {
		if (name.equals("dev.atelier.core") || name.equals("dev.atelier.cli") || name.equals("dev.atelier.model")) {
			return Layer.CORE;
		}
		if (name.equals("dev.atelier.device")) {
			return Layer.DEVICE_API;
		}
		if (name.startsWith("dev.atelier.device.") && !name.endsWith(".ui")) {
			return Layer.BACKEND;
		}
		if (name.equals("dev.atelier.kernels") || name.equals("dev.atelier.compute")) {
			return Layer.COMPUTE;
		}
		// the server's IDE toggle (dev.atelier.server.ui) is a view over it, above the workbench
		if (name.equals("dev.atelier.server") || name.startsWith("dev.atelier.server.") && !name.endsWith(".ui")) {
			return Layer.SERVER;
		}
		if (name.equals("dev.atelier.ui") || name.equals("dev.atelier.outputs.ui")) {
			return Layer.WORKBENCH;
		}
		if (name.endsWith(".ui")) {
			return Layer.VIEW;
		}
		return Layer.CAPABILITY;
	}

	private static Map<String, Bundle> bundles() throws IOException {
		Map<String, Bundle> all = new TreeMap<>();
		try (Stream<Path> dirs = Files.list(ROOT.resolve("bundles"))) {
			for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("META-INF/MANIFEST.MF"))).toList()) {
				String name = dir.getFileName().toString();
				if (name.endsWith(".tests") || name.equals("dev.atelier.testing")) {
					continue;
				}
				Manifest mf;
				try (InputStream in = Files.newInputStream(dir.resolve("META-INF/MANIFEST.MF"))) {
					mf = new Manifest(in);
				}
				List<String> clauses = clauses(mf.getMainAttributes().getValue("Export-Package"));
				List<String> imports = clauses(mf.getMainAttributes().getValue("Import-Package")).stream().map(ArchitectureIT::packageOf)
						.filter(p -> p.startsWith("dev.atelier.")).toList();
				all.put(name, new Bundle(name, layerOf(name), clauses.stream().map(ArchitectureIT::packageOf).toList(), clauses, imports));
			}
		}
		return all;
	}

	/** Splits a manifest header at the commas that are outside quotes. */
	private static List<String> clauses(String header) {
		List<String> out = new ArrayList<>();
		if (header == null) {
			return out;
		}
		StringBuilder current = new StringBuilder();
		boolean quoted = false;
		for (char c : header.toCharArray()) {
			if (c == '"') {
				quoted = !quoted;
			}
			if (c == ',' && !quoted) {
				out.add(current.toString().strip());
				current.setLength(0);
			} else {
				current.append(c);
			}
		}
		if (!current.isEmpty()) {
			out.add(current.toString().strip());
		}
		return out;
	}

	private static String packageOf(String clause) {
		return clause.split(";")[0].strip();
	}

	private static Bundle exporter(Map<String, Bundle> all, String pkg) {
		return all.values().stream().filter(b -> b.exports().contains(pkg)).findFirst()
				.orElseThrow(() -> new AssertionError("no bundle exports " + pkg));
	}

	/** The capability a bundle belongs to (diffusion for dev.atelier.diffusion.ui), or null. */
	private static String capability(String bundle) {
		String[] parts = bundle.split("\\.");
		return parts.length > 2 && CAPABILITIES.contains(parts[2]) ? parts[2] : null;
	}

	@Test
	void bundlesImportOnlyFromLowerLayersAndCapabilitiesNeverFromEachOther() throws IOException {
		Map<String, Bundle> all = bundles();
		List<String> wrong = new ArrayList<>();
		for (Bundle b : all.values()) {
			for (String pkg : b.imports()) {
				Bundle from = exporter(all, pkg);
				if (from == b) {
					continue;
				}
				String mine = capability(b.name());
				String theirs = capability(from.name());
				boolean sameCapability = mine != null && mine.equals(theirs);
				// within the compute layer, the runtime loads the kernels bundle's modules
				boolean kernels = b.name().equals("dev.atelier.compute") && from.name().equals("dev.atelier.kernels");
				// the server's plugin API is for the bundles that add endpoints to it
				boolean serverApi = b.layer() == Layer.SERVER && pkg.equals("dev.atelier.server");
				boolean down = from.layer().compareTo(b.layer()) < 0 || sameCapability || from.layer() == Layer.CORE || kernels || serverApi;
				boolean backend = from.layer() == Layer.BACKEND && !(b.name().equals("dev.atelier.device.ui") && from.name().equals("dev.atelier.device.sim"));
				// the SPI is for those who serve the device layer: backends, and the kernels' device notes
				boolean spi = pkg.equals("dev.atelier.device.spi") && b.layer() != Layer.BACKEND && b.layer() != Layer.COMPUTE;
				// the server is a front end over every capability's API, as the CLI's subcommands are
				boolean otherCapability = theirs != null && !sameCapability && b.layer() != Layer.SERVER;
				if (!down || backend || spi || otherCapability) {
					wrong.add(b.name() + " (" + b.layer() + ") imports " + pkg + " of " + from.name() + " (" + from.layer() + ")");
				}
			}
		}
		assertEquals(List.of(), wrong);
	}

	@Test
	void everyExportedPackageIsUsedElsewhereOrMarkedForFriendsOrPluginApi() throws IOException {
		Map<String, Bundle> all = bundles();
		List<String> examples = new ArrayList<>();
		try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
			for (Path mf : files.filter(p -> p.endsWith(Path.of("META-INF", "MANIFEST.MF"))).toList()) {
				examples.add(Files.readString(mf));
			}
		}
		List<String> unused = new ArrayList<>();
		for (Bundle b : all.values()) {
			for (int i = 0; i < b.exports().size(); i++) {
				String pkg = b.exports().get(i);
				String clause = b.exportClauses().get(i);
				boolean marked = clause.contains("x-friends") || clause.contains("x-internal");
				boolean imported = all.values().stream().anyMatch(o -> o != b && o.imports().contains(pkg))
						|| examples.stream().anyMatch(m -> Pattern.compile("\\b" + Pattern.quote(pkg) + "\\s*[;,\\n]").matcher(m).find());
				if (!marked && !imported && !PLUGIN_API.contains(pkg)) {
					unused.add(b.name() + " exports " + pkg + ", which no other bundle imports");
				}
				if (pkg.contains(".internal") && !marked) {
					unused.add(b.name() + " exports the internal package " + pkg + " to everyone");
				}
			}
		}
		assertEquals(List.of(), unused);
	}

	@Test
	void noCapabilityOrViewNamesABackendOrParsesADeviceId() throws IOException {
		Pattern backendConstant = Pattern.compile("\\bBackend\\.(CUDA|CPU|SIMULATED)\\b");
		Pattern idParse = Pattern.compile("\"(cuda|sim):\"");
		List<String> found = new ArrayList<>();
		for (Bundle b : bundles().values()) {
			if (b.layer().compareTo(Layer.CAPABILITY) < 0) {
				continue;
			}
			Path src = ROOT.resolve("bundles").resolve(b.name()).resolve("src");
			try (Stream<Path> files = Files.walk(src)) {
				for (Path java : files.filter(p -> p.toString().endsWith(".java")).toList()) {
					String text = Files.readString(java);
					for (Pattern p : List.of(backendConstant, idParse)) {
						Matcher m = p.matcher(text);
						while (m.find()) {
							found.add(ROOT.relativize(java) + ": " + m.group());
						}
					}
				}
			}
		}
		assertEquals(List.of(), found);
	}

	@Test
	void theLayersAreTheOnesTheDocumentDescribes() throws IOException {
		String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
		List<String> missing = new ArrayList<>();
		for (Bundle b : bundles().values()) {
			if (!doc.contains("`" + b.name() + "`")) {
				missing.add(b.name());
			}
		}
		assertTrue(missing.isEmpty(), "docs/architecture.md does not place " + missing);
	}
}
