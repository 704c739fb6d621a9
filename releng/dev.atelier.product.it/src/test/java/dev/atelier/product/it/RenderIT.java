package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

/** {@code atelier render} on the product. */
class RenderIT {

	@Test
	void theCornellBoxIsRenderedToAPngWithItsRaysPerSecondAndAJobRecord() throws Exception {
		Path ws = Product.newWorkspace("render");
		Path out = ws.resolve("cornell.png");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "render", "--scene", "cornell", "--spp", "4", "--size", "96x64",
				"--bounces", "4", "--out", out.toString());
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().startsWith(out + "\n"), run.out());
		assertTrue(run.out().matches("(?s).*4 spp in [0-9.]+ s: [0-9.]+ Mrays/s.*"), run.out());
		assertEquals(96, ImageIO.read(out.toFile()).getWidth());
		JsonObject record = Product.jobs(ws).get(0).getAsJsonObject();
		assertEquals("render Cornell box 96x64", record.get("kind").getAsString());
		assertEquals(out.toString(), record.getAsJsonArray("outputs").get(0).getAsString());
	}

	@Test
	void aGltfWhoseBufferLiesOutsideItsFolderIsRefusedNamingTheFileAndTheUri() throws Exception {
		Path ws = Product.newWorkspace("render-outside");
		Path scenes = Files.createDirectories(ws.resolve("scenes"));
		Files.write(ws.resolve("secret.bin"), new byte[12]);
		for (String uri : new String[] { "/etc/passwd", "../secret.bin" }) {
			Path gltf = Files.writeString(scenes.resolve("outside.gltf"), "{\"asset\": {\"version\": \"2.0\"}, \"buffers\": [{\"uri\": \"" + uri
					+ "\", \"byteLength\": 12}], \"bufferViews\": [{\"buffer\": 0, \"byteLength\": 12}], \"accessors\": [{\"bufferView\": 0,"
					+ " \"componentType\": 5126, \"count\": 1, \"type\": \"VEC3\"}], \"meshes\": [{\"primitives\": [{\"attributes\": {\"POSITION\": 0}}]}],"
					+ " \"nodes\": [{\"mesh\": 0}], \"scenes\": [{\"nodes\": [0]}]}");
			Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "render", gltf.toString(), "--spp", "1", "--out",
					ws.resolve("outside.png").toString());
			assertEquals(1, run.exitCode(), run.all());
			assertTrue(run.err().contains("outside.gltf: buffers[0].uri: '" + uri + "' lies outside " + scenes + ", the glTF's folder"), run.err());
		}
	}

	@Test
	void aBrokenGltfIsRefusedByNameAndNothingIsWritten() throws Exception {
		Path ws = Product.newWorkspace("render-bad");
		Path gltf = Files.writeString(ws.resolve("broken.gltf"), "{\"asset\": {\"version\": \"2.0\"}, \"buffers\": [{\"uri\": \"missing.bin\", \"byteLength\": 12}],"
				+ " \"bufferViews\": [{\"buffer\": 0, \"byteLength\": 12}], \"accessors\": [{\"bufferView\": 0, \"componentType\": 5126, \"count\": 1, \"type\": \"VEC3\"}],"
				+ " \"meshes\": [{\"primitives\": [{\"attributes\": {\"POSITION\": 0}}]}], \"nodes\": [{\"mesh\": 0}], \"scenes\": [{\"nodes\": [0]}]}");
		Path out = ws.resolve("broken.png");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "render", gltf.toString(), "--spp", "1", "--out", out.toString());
		assertEquals(1, run.exitCode(), run.all());
		assertTrue(run.err().contains("broken.gltf: buffers[0].uri: cannot read " + ws.resolve("missing.bin")), run.err());
		assertFalse(Files.exists(out), "nothing written");
		Product.Run help = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "render", "--help");
		assertEquals(0, help.exitCode(), help.all());
		assertTrue(help.out().contains("--backend=cpu|cuda") && help.out().contains("--device=ID"), help.out());
	}
}
