package dev.atelier.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The committed fatbins are the build of the committed sources: a changed source without a rebuild fails here. */
class KernelArtifactsTest {

	/** The repository's kernels/ folder, from this test project's folder (bundles/dev.atelier.kernels.tests). */
	private static final Path SOURCES = Path.of("../../kernels").toAbsolutePath().normalize();

	@Test
	void everySourceIsInTheManifestWithItsCurrentHash() throws Exception {
		assertTrue(Files.isDirectory(SOURCES), "the kernel sources are at " + SOURCES);
		Map<String, String> manifest = Kernels.manifest();
		List<Path> sources;
		try (Stream<Path> files = Files.list(SOURCES)) {
			sources = files.filter(p -> p.toString().matches(".*\\.(cu|cuh|c)$") || p.getFileName().toString().equals("Makefile")).sorted().toList();
		}
		for (Path source : sources) {
			String key = "kernels/" + source.getFileName();
			assertTrue(manifest.containsKey(key), key + " is new since the fatbins were built: run make -C kernels");
			assertEquals(manifest.get(key), sha256(Files.readAllBytes(source)), key + " changed since its fatbin was built: run make -C kernels");
		}
		long listed = manifest.keySet().stream().filter(k -> k.startsWith("kernels/")).count();
		assertEquals(sources.size(), listed, "the manifest lists a source that is gone: run make -C kernels");
	}

	@Test
	void everyCudaSourceHasAFatbinMatchingTheManifest() throws IOException, NoSuchAlgorithmException {
		Map<String, String> manifest = Kernels.manifest();
		List<String> cu = manifest.keySet().stream().filter(k -> k.startsWith("kernels/") && k.endsWith(".cu"))
				.map(k -> k.substring("kernels/".length(), k.length() - 3)).toList();
		assertEquals(cu, Kernels.names());
		for (String name : Kernels.names()) {
			byte[] image = Kernels.image(name);
			assertEquals(manifest.get("fatbin/" + name + ".fatbin"), sha256(image), name + ".fatbin is not the one the manifest lists");
			// A fatbin starts with the magic 0xBA55ED50, little-endian.
			assertEquals(List.of(0x50, 0xED, 0x55, 0xBA), List.of(image[0] & 0xff, image[1] & 0xff, image[2] & 0xff, image[3] & 0xff), name);
		}
		assertTrue(Kernels.names().containsAll(List.of("stream", "access", "image", "reduce", "gemm", "gemm_sm90", "overlap")), Kernels.names().toString());
	}

	@Test
	void theNativeCpuLibraryIsTheOneTheManifestListsAndLoadsFromATemporaryFile() throws Exception {
		String name = "native/linux-x86_64/libatelier_cpu.so";
		assertTrue(Kernels.manifest().containsKey(name), Kernels.manifest().keySet().toString());
		Kernels.HostLibrary library = Kernels.hostLibrary();
		Path file = library.path().orElseThrow(() -> new AssertionError(library.missing()));
		byte[] image = Files.readAllBytes(file);
		assertEquals(Kernels.manifest().get(name), sha256(image), "the extracted library is not the one the manifest lists");
		// an ELF shared object starts with 0x7F 'E' 'L' 'F'
		assertEquals(List.of(0x7F, (int) 'E', (int) 'L', (int) 'F'), List.of(image[0] & 0xff, image[1] & 0xff, image[2] & 0xff, image[3] & 0xff));
	}

	@Test
	void unknownKernelIsRefusedNamingTheShippedOnes() {
		IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Kernels.image("fft"));
		assertTrue(e.getMessage().startsWith("no kernel image 'fft'; shipped: access, compute, gemm, gemm_sm90, image"), e.getMessage());
	}

	private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}
}
