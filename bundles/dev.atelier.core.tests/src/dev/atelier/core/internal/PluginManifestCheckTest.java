package dev.atelier.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin jar's manifest, read before it is installed: no bundle, or a bundle that would take the place of Atelier's own. */
class PluginManifestCheckTest {

	private static final PluginManifestCheck.Installation ATELIER = new PluginManifestCheck.Installation(
			Map.of("dev.atelier.core", "dev.atelier.core 0.1.0.202612060040", "dev.atelier.cli", "dev.atelier.cli 0.1.0.202612060040",
					"system.bundle", "org.eclipse.osgi 3.24.300"),
			Map.of("dev.atelier.core", "dev.atelier.core", "dev.atelier.cli", "dev.atelier.cli"));

	@TempDir
	Path dir;

	private Path jar(String name, Map<String, String> headers) throws IOException {
		Path jar = dir.resolve(name);
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		headers.forEach(manifest.getMainAttributes()::putValue);
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
			out.putNextEntry(new JarEntry("tool/Tool.class"));
			out.closeEntry();
		}
		return jar;
	}

	@Test
	void aBundleOfItsOwnMayBeInstalled() throws IOException {
		assertNull(PluginManifestCheck.refusal(jar("tool.jar", Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "dev.example.tool;singleton:=true",
				"Export-Package", "dev.example.tool;version=\"1.0\";uses:=\"dev.atelier.core,dev.atelier.cli\"", "Fragment-Host", "dev.example.base")), ATELIER));
	}

	@Test
	void aJarWithoutSymbolicNameIsNoBundle() throws IOException {
		assertEquals("it is not an OSGi bundle: its manifest has no Bundle-SymbolicName",
				PluginManifestCheck.refusal(jar("library.jar", Map.of("Implementation-Title", "a library")), ATELIER));
	}

	@Test
	void aJarWithoutManifestIsNoBundle() throws IOException {
		Path jar = dir.resolve("bare.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			out.putNextEntry(new JarEntry("a.txt"));
			out.closeEntry();
		}
		assertEquals("it is not an OSGi bundle: it has no META-INF/MANIFEST.MF", PluginManifestCheck.refusal(jar, ATELIER));
	}

	@Test
	void aFileThatIsNoJarIsSaidToBeNone() throws IOException {
		Path text = Files.writeString(dir.resolve("notes.jar"), "this is not a jar");
		assertEquals("not a jar: zip END header not found", PluginManifestCheck.refusal(text, ATELIER));
	}

	@Test
	void aBundleNamedLikeOneOfAteliersIsRefusedWhateverItsVersion() throws IOException {
		assertEquals("its Bundle-SymbolicName dev.atelier.core is that of Atelier's own bundle dev.atelier.core 0.1.0.202612060040: a plugin cannot replace or shadow it",
				PluginManifestCheck.refusal(jar("core.jar", Map.of("Bundle-SymbolicName", "dev.atelier.core", "Bundle-Version", "99.0.0")), ATELIER));
	}

	@Test
	void aFragmentOfAteliersBundleOrOfTheFrameworkIsRefused() throws IOException {
		assertEquals("it is a fragment of Atelier's own bundle dev.atelier.cli: a plugin cannot add to it", PluginManifestCheck.refusal(
				jar("patch.jar", Map.of("Bundle-SymbolicName", "dev.example.patch", "Fragment-Host", "dev.atelier.cli;bundle-version=\"0.1.0\"")), ATELIER));
		assertEquals("it is a fragment of Atelier's own bundle system.bundle: a plugin cannot add to it", PluginManifestCheck.refusal(
				jar("extension.jar", Map.of("Bundle-SymbolicName", "dev.example.extension", "Fragment-Host", "system.bundle;extension:=framework")), ATELIER));
	}

	@Test
	void aBundleExportingAPackageOfAteliersApiIsRefused() throws IOException {
		assertEquals("it exports the package dev.atelier.cli of Atelier's own bundle dev.atelier.cli: a plugin cannot shadow it",
				PluginManifestCheck.refusal(jar("shadow.jar", Map.of("Bundle-SymbolicName", "dev.example.shadow", "Export-Package",
						"dev.example.shadow;version=\"1.0\",dev.example.more;dev.atelier.cli;version=\"9.0\"")), ATELIER));
	}

	@Test
	void aMalformedSymbolicNameIsReportedAsSuch() throws IOException {
		assertEquals("its manifest is malformed: Invalid manifest header Bundle-SymbolicName: \"dev.example.odd;singleton:=\"",
				PluginManifestCheck.refusal(jar("odd.jar", Map.of("Bundle-SymbolicName", "dev.example.odd;singleton:=")), ATELIER));
	}
}
