package dev.atelier.viewport.scene;

import java.util.List;

/**
 * A scene ready to render: world-space meshes, their materials, punctual lights, cameras and the environment. Built
 * from glTF by the loader or by code (the built-in scenes); renderers never see the node hierarchy.
 */
public record Scene(String name, List<Mesh> meshes, List<Material> materials, List<Light> lights, List<Camera> cameras, Environment environment) {

	public Scene {
		meshes = List.copyOf(meshes);
		materials = List.copyOf(materials);
		lights = List.copyOf(lights);
		cameras = List.copyOf(cameras);
		for (Mesh m : meshes) {
			if (m.material() < 0 || m.material() >= materials.size()) {
				throw new IllegalArgumentException("mesh '" + m.name() + "' uses material " + m.material() + " of " + materials.size());
			}
		}
	}

	public long triangleCount() {
		return meshes.stream().mapToLong(Mesh::triangleCount).sum();
	}

	/** The axis-aligned bounds of every vertex: {minX, minY, minZ, maxX, maxY, maxZ}; all zero for an empty scene. */
	public float[] bounds() {
		float[] b = { Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE };
		boolean any = false;
		for (Mesh m : meshes) {
			if (m.vertexCount() > 0) {
				float[] mb = m.bounds();
				for (int a = 0; a < 3; a++) {
					b[a] = Math.min(b[a], mb[a]);
					b[3 + a] = Math.max(b[3 + a], mb[3 + a]);
				}
				any = true;
			}
		}
		return any ? b : new float[6];
	}
}
