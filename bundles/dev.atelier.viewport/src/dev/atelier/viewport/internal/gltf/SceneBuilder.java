package dev.atelier.viewport.internal.gltf;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;

/**
 * Builds the Scene of a document's default scene ({@code scene}, else {@code scenes[0]}, else every root node): walks
 * the node trees with world transforms and places each node's mesh primitives, camera and light. The walk visits each
 * node once, so a cycle or a node with two parents is refused, never looped over.
 */
final class SceneBuilder {

	private record Visit(int node, Transform parent, Json ref) {
	}

	/**
	 * What a placed triangle and vertex cost on the heap: the placed mesh (indices; position, normal, tangent, texture
	 * coordinates), then the path tracer's flat arrays (the triangle soup twice while it is sorted, the BVH, per-vertex
	 * attributes).
	 */
	static final long BYTES_PER_TRIANGLE = 12 + 2 * 56 + 32;
	static final long BYTES_PER_VERTEX = 48 + 36;

	private final GltfDocument doc;
	private final long budgetBytes;
	private final Consumer<String> notes;
	private final Json nodes;
	private final Json meshes;
	private final Primitives primitives;
	private final Materials materials;
	private final Cameras cameras;
	private final Lights lights;
	private final List<Mesh> placedMeshes = new ArrayList<>();
	private final List<Camera> placedCameras = new ArrayList<>();
	private final List<Light> placedLights = new ArrayList<>();
	private int steps;

	SceneBuilder(GltfDocument doc, Consumer<String> notes, long budgetBytes) throws GltfException {
		this.doc = doc;
		this.budgetBytes = budgetBytes;
		this.notes = notes;
		this.nodes = doc.root().get("nodes");
		this.meshes = doc.root().get("meshes");
		this.primitives = new Primitives(new Accessors(doc), notes);
		this.materials = new Materials(doc, new Textures(doc, notes), notes);
		this.cameras = new Cameras(doc, notes);
		this.lights = new Lights(doc);
	}

	Scene build() throws GltfException {
		for (Json ext : doc.root().get("extensionsUsed").elements()) {
			if (!GltfDocument.SUPPORTED_EXTENSIONS.contains(ext.asString())) {
				notes.accept(ext.note("extension '" + ext.asString() + "' is not supported and is ignored"));
			}
		}
		Json scene = defaultScene();
		List<Visit> roots = new ArrayList<>();
		if (scene != null) {
			for (Json ref : scene.get("nodes").elements()) {
				roots.add(new Visit(ref.asIndex(nodes.size(), "nodes"), Transform.IDENTITY, ref));
			}
		} else {
			for (int i : rootNodes()) {
				roots.add(new Visit(i, Transform.IDENTITY, nodes.element(i)));
			}
		}
		walk(roots);
		Path fileName = doc.file().getFileName();
		String name = scene == null ? String.valueOf(fileName) : scene.string("name", String.valueOf(fileName));
		// glTF has no environment; callers that want one light the scene themselves.
		return new Scene(name, placedMeshes, materials.materials(), placedLights, placedCameras, Environment.black());
	}

	/** {@code scene}, else {@code scenes[0]}; null where the document has no scenes. */
	private Json defaultScene() throws GltfException {
		Json scenes = doc.root().get("scenes");
		Json ref = doc.root().get("scene");
		if (ref.present()) {
			return scenes.element(ref.asIndex(scenes.size(), "scenes"));
		}
		return scenes.size() > 0 ? scenes.element(0) : null;
	}

	/** Nodes no node has as a child, in document order. */
	private List<Integer> rootNodes() throws GltfException {
		boolean[] child = new boolean[nodes.size()];
		for (Json node : nodes.elements()) {
			for (Json ref : node.get("children").elements()) {
				child[ref.asIndex(nodes.size(), "nodes")] = true;
			}
		}
		List<Integer> roots = new ArrayList<>();
		for (int i = 0; i < child.length; i++) {
			if (!child[i]) {
				roots.add(i);
			}
		}
		return roots;
	}

	/**
	 * Depth first, children in order, without recursion: a chain of nodes may be deeper than the stack. The nodes are
	 * all found and what they place counted before any mesh is placed, so that a scene too large for memory is refused.
	 */
	private void walk(List<Visit> roots) throws GltfException {
		boolean[] visited = new boolean[nodes.size()];
		Deque<Visit> stack = new ArrayDeque<>(roots);
		List<Placement> order = new ArrayList<>();
		while (!stack.isEmpty()) {
			steps++;
			Visit visit = stack.pop();
			if (visited[visit.node()]) {
				throw visit.ref().error("reaches nodes[" + visit.node() + "] a second time: nodes form trees, each node with at most one parent");
			}
			visited[visit.node()] = true;
			Json node = nodes.element(visit.node());
			Transform world = visit.parent().times(local(node));
			order.add(new Placement(node, world));
			List<Json> children = node.get("children").elements();
			for (int c = children.size() - 1; c >= 0; c--) {
				Json ref = children.get(c);
				stack.push(new Visit(ref.asIndex(nodes.size(), "nodes"), world, ref));
			}
		}
		checkMemory(order);
		for (Placement p : order) {
			place(p.node(), p.world());
		}
	}

	/**
	 * Turns the node walk has taken so far: at most one per node, plus the one that finds a node reached again, so
	 * that no damaged node graph can keep it going.
	 */
	int steps() {
		return steps;
	}

	private record Placement(Json node, Transform world) {
	}

	private static String size(long bytes) {
		return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
				: String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
	}

	/**
	 * Every node that places a mesh gets its own copy of the mesh's triangles (no instancing yet): refuses, naming the
	 * file and the triangle count, a scene whose copies and path-tracing arrays would not fit in {@code budgetBytes}.
	 */
	private void checkMemory(List<Placement> order) throws GltfException {
		long triangles = 0;
		long bytes = 0;
		int placements = 0;
		for (Placement p : order) {
			Json meshRef = p.node().get("mesh");
			if (!meshRef.present()) {
				continue;
			}
			for (Json primitive : meshes.element(meshRef.asIndex(meshes.size(), "meshes")).get("primitives").elements()) {
				Optional<Geometry> geometry = primitives.geometry(primitive);
				if (geometry.isPresent()) {
					long t = geometry.get().triangles().length / 3;
					// without normals a placed mesh gets flat ones: three vertices of its own per triangle
					long v = geometry.get().normals() == null ? 3 * t : geometry.get().positions().length / 3;
					triangles += t;
					bytes += BYTES_PER_TRIANGLE * t + BYTES_PER_VERTEX * v;
					placements++;
				}
			}
		}
		if (bytes > budgetBytes) {
			throw new GltfException(doc.file(), "nodes", String.format(Locale.ROOT,
					"place %,d triangles in %,d meshes (each node that places a mesh gets a copy of it): about %s in memory, more than the %s "
							+ "free for it; give Java more with ATELIER_VMARGS=-Xmx<size>, or place fewer copies",
					triangles, placements, size(bytes), size(budgetBytes)));
		}
	}

	private void place(Json node, Transform world) throws GltfException {
		Json meshRef = node.get("mesh");
		if (meshRef.present()) {
			if (node.get("skin").present()) {
				notes.accept(node.note("skin is not applied: the mesh is placed as the node's transform says"));
			}
			Json mesh = meshes.element(meshRef.asIndex(meshes.size(), "meshes"));
			String name = mesh.string("name", mesh.path());
			List<Json> prims = mesh.get("primitives").elements();
			for (int p = 0; p < prims.size(); p++) {
				Json primitive = prims.get(p);
				Optional<Geometry> geometry = primitives.geometry(primitive);
				if (geometry.isPresent()) {
					int material = materials.index(primitive.get("material"));
					placedMeshes.add(geometry.get().place(prims.size() == 1 ? name : name + "#" + p, world, material));
				}
			}
		}
		Json cameraRef = node.get("camera");
		if (cameraRef.present()) {
			cameras.place(cameraRef, node, world).ifPresent(placedCameras::add);
		}
		Json lightRef = node.get("extensions").get("KHR_lights_punctual").get("light");
		if (lightRef.present()) {
			placedLights.add(lights.place(lightRef, node, world));
		}
	}

	/** The node's local transform: its matrix, or translation × rotation × scale. */
	private static Transform local(Json node) throws GltfException {
		Json matrix = node.get("matrix");
		boolean trs = node.get("translation").present() || node.get("rotation").present() || node.get("scale").present();
		if (matrix.present()) {
			if (trs) {
				throw node.error("has both a matrix and translation, rotation or scale");
			}
			return Transform.matrix(matrix.asFloats(16));
		}
		float[] r = node.numbers("rotation", 0, 0, 0, 1);
		double len = Math.sqrt((double) r[0] * r[0] + (double) r[1] * r[1] + (double) r[2] * r[2] + (double) r[3] * r[3]);
		if (len == 0) {
			throw node.get("rotation").error("is not a unit quaternion");
		}
		// Exporters round; a quaternion a little off unit length would scale as well as rotate.
		double[] q = { r[0] / len, r[1] / len, r[2] / len, r[3] / len };
		return Transform.trs(node.numbers("translation", 0, 0, 0), q, node.numbers("scale", 1, 1, 1));
	}
}
