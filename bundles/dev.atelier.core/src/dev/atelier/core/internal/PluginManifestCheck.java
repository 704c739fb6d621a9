package dev.atelier.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.eclipse.osgi.util.ManifestElement;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Reads a plugin jar's manifest before it is installed and says why it may not be: it is no bundle, or it would take
 * the place of Atelier's own code — a bundle of the installation's name, a fragment of one, or a bundle exporting a
 * package of Atelier's API, which other plugins would then be wired to. Plain Java but for reading the headers.
 */
final class PluginManifestCheck {

	/**
	 * The installation's bundles (symbolic name → "name version") and the packages Atelier's own bundles export
	 * (package → bundle).
	 */
	record Installation(Map<String, String> bundles, Map<String, String> packages) {

		static Installation of(BundleContext context) {
			Map<String, String> bundles = new HashMap<>();
			Map<String, String> packages = new HashMap<>();
			for (Bundle bundle : context.getBundles()) {
				String name = bundle.getSymbolicName();
				if (PluginFolderInstaller.jarOf(bundle) != null || name == null) {
					continue;
				}
				bundles.put(name, name + " " + bundle.getVersion());
				BundleRevision revision = bundle.adapt(BundleRevision.class);
				if (name.startsWith("dev.atelier.") && revision != null) {
					for (BundleCapability export : revision.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
						packages.put((String) export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE), name);
					}
				}
			}
			bundles.put(Constants.SYSTEM_BUNDLE_SYMBOLICNAME, bundles.getOrDefault(context.getBundle(0).getSymbolicName(), Constants.SYSTEM_BUNDLE_SYMBOLICNAME));
			return new Installation(Map.copyOf(bundles), Map.copyOf(packages));
		}
	}

	private PluginManifestCheck() {
	}

	/** Why the jar is not installed, or null when its manifest may be. */
	static String refusal(Path jar, Installation atelier) {
		Manifest manifest;
		try (JarFile file = new JarFile(jar.toFile(), false)) {
			manifest = file.getManifest();
		} catch (IOException e) {
			return "not a jar: " + e.getMessage();
		}
		Attributes headers = manifest == null ? null : manifest.getMainAttributes();
		String name = headers == null ? null : headers.getValue(Constants.BUNDLE_SYMBOLICNAME);
		if (name == null || name.isBlank()) {
			return "it is not an OSGi bundle: " + (manifest == null ? "it has no META-INF/MANIFEST.MF" : "its manifest has no Bundle-SymbolicName");
		}
		try {
			String symbolicName = first(Constants.BUNDLE_SYMBOLICNAME, name);
			if (atelier.bundles().containsKey(symbolicName)) {
				return "its Bundle-SymbolicName " + symbolicName + " is that of Atelier's own bundle " + atelier.bundles().get(symbolicName)
						+ ": a plugin cannot replace or shadow it";
			}
			String host = headers.getValue(Constants.FRAGMENT_HOST);
			if (host != null && atelier.bundles().containsKey(first(Constants.FRAGMENT_HOST, host))) {
				return "it is a fragment of Atelier's own bundle " + first(Constants.FRAGMENT_HOST, host) + ": a plugin cannot add to it";
			}
			String exports = headers.getValue(Constants.EXPORT_PACKAGE);
			ManifestElement[] exported = exports == null ? null : ManifestElement.parseHeader(Constants.EXPORT_PACKAGE, exports);
			for (ManifestElement clause : exported == null ? new ManifestElement[0] : exported) {
				for (String pkg : clause.getValueComponents()) {
					if (atelier.packages().containsKey(pkg)) {
						return "it exports the package " + pkg + " of Atelier's own bundle " + atelier.packages().get(pkg) + ": a plugin cannot shadow it";
					}
				}
			}
		} catch (BundleException e) {
			return "its manifest is malformed: " + e.getMessage();
		}
		return null;
	}

	private static String first(String header, String value) throws BundleException {
		ManifestElement[] elements = ManifestElement.parseHeader(header, value);
		if (elements == null || elements.length == 0) {
			throw new BundleException(header + " names nothing");
		}
		return elements[0].getValue();
	}
}
