package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * Damaged copies of the test scenes, made by seeded random changes: loading each must give a Scene or a
 * GltfException, never another exception. Every other loop in the loader runs over a count the file gives and the
 * loader caps; the node walk is the one that a damaged graph could keep going, so its turns are counted against the
 * document's nodes.
 */
class GltfRobustnessTest {

	private static final Path DATA = Path.of("data/gltf");

	@TempDir
	Path dir;

	/**
	 * Loads {@code file}; anything but success or a GltfException fails the test, naming what was changed, and so does
	 * a node walk that took more turns than the document has nodes (plus the one that refuses a node reached again).
	 */
	private static void loadsOrRefuses(Path file, String change) {
		GltfDocument document;
		try {
			document = GltfDocument.read(file);
		} catch (GltfException expected) {
			return; // a refusal with a message is what damaged input should get
		} catch (Throwable t) {
			fail(change + ": " + t, t);
			return;
		}
		SceneBuilder builder = null;
		try {
			builder = new SceneBuilder(document, note -> {
			}, GltfLoader.freeHeap());
			builder.build();
		} catch (GltfException expected) {
			// as above
		} catch (Throwable t) {
			fail(change + ": " + t, t);
		}
		if (builder != null) {
			int nodes = nodeCount(document);
			int steps = builder.steps();
			assertTrue(steps <= nodes + 1, () -> change + ": the node walk took " + steps + " turns over " + nodes + " nodes");
		}
	}

	private static int nodeCount(GltfDocument document) {
		try {
			return document.root().get("nodes").size();
		} catch (GltfException notAnArray) {
			return 0;
		}
	}

	@Test
	void aGlbWithBytesChangedOrCutOffLoadsOrIsRefused() throws Exception {
		byte[] good = Files.readAllBytes(DATA.resolve("scene.glb"));
		Random random = new Random(20240601);
		Path file = dir.resolve("damaged.glb");
		for (int length = 0; length < good.length; length++) {
			Files.write(file, Arrays.copyOf(good, length));
			loadsOrRefuses(file, "cut to " + length + " bytes");
		}
		for (int round = 0; round < 3000; round++) {
			byte[] bad = good.clone();
			StringBuilder change = new StringBuilder("round " + round + ":");
			for (int k = 1 + random.nextInt(3); k > 0; k--) {
				int at = random.nextInt(bad.length);
				bad[at] = (byte) random.nextInt(256);
				change.append(" byte ").append(at).append(" = ").append(bad[at] & 0xFF);
			}
			Files.write(file, bad);
			loadsOrRefuses(file, change.toString());
		}
	}

	@Test
	void aGltfWithJsonValuesReplacedLoadsOrIsRefused() throws Exception {
		JsonObject good = JsonParser.parseString(Files.readString(DATA.resolve("scene.gltf"))).getAsJsonObject();
		Files.copy(DATA.resolve("scene.bin"), dir.resolve("scene.bin"));
		Files.createDirectories(dir.resolve("textures"));
		try (var textures = Files.list(DATA.resolve("textures"))) {
			for (Path t : textures.toList()) {
				Files.copy(t, dir.resolve("textures").resolve(t.getFileName()));
			}
		}
		JsonElement[] oddities = { new JsonPrimitive(-1), new JsonPrimitive(0), new JsonPrimitive(1), new JsonPrimitive(3), new JsonPrimitive(255),
				new JsonPrimitive(2147483648L), new JsonPrimitive(1e300), new JsonPrimitive(0.5), new JsonPrimitive("x"), new JsonPrimitive(true),
				JsonNull.INSTANCE, new JsonArray(), new JsonObject() };
		Random random = new Random(20240602);
		Path file = dir.resolve("scene.gltf");
		for (int round = 0; round < 3000; round++) {
			JsonObject bad = good.deepCopy();
			List<Slot> slots = new ArrayList<>();
			collect(bad, "", slots);
			StringBuilder change = new StringBuilder("round " + round + ":");
			for (int k = 1 + random.nextInt(2); k > 0; k--) {
				Slot slot = slots.get(random.nextInt(slots.size()));
				JsonElement odd = oddities[random.nextInt(oddities.length)];
				slot.set(odd);
				change.append(' ').append(slot.path()).append(" = ").append(odd);
			}
			Files.writeString(file, bad.toString(), StandardCharsets.UTF_8);
			loadsOrRefuses(file, change.toString());
		}
	}

	/** A place in a JSON tree that a value can be put in. */
	private record Slot(String path, JsonElement parent, Object key) {
		void set(JsonElement value) {
			if (parent instanceof JsonObject o) {
				o.add((String) key, value);
			} else {
				((JsonArray) parent).set((Integer) key, value);
			}
		}
	}

	private static void collect(JsonElement e, String path, List<Slot> out) {
		if (e instanceof JsonObject o) {
			for (Map.Entry<String, JsonElement> m : o.entrySet()) {
				out.add(new Slot(path + "." + m.getKey(), o, m.getKey()));
				collect(m.getValue(), path + "." + m.getKey(), out);
			}
		} else if (e instanceof JsonArray a) {
			for (int i = 0; i < a.size(); i++) {
				out.add(new Slot(path + "[" + i + "]", a, i));
				collect(a.get(i), path + "[" + i + "]", out);
			}
		}
	}
}
