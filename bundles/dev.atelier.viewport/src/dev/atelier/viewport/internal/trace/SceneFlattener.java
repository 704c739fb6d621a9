package dev.atelier.viewport.internal.trace;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/** Turns a {@link Scene} into the arrays of {@link FlatScene}: geometry in BVH order, tables, light distributions. */
final class SceneFlattener {

	/** The environment map's sampling table has at most this many rows (columns twice as many). */
	static final int ENVIRONMENT_ROWS = 512;

	private SceneFlattener() {
	}

	static FlatScene flatten(Scene scene) {
		long triangleTotal = scene.triangleCount();
		long vertexTotal = scene.meshes().stream().mapToLong(Mesh::vertexCount).sum();
		if (9 * triangleTotal > Integer.MAX_VALUE - 8 || 4 * vertexTotal > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("scene '" + scene.name() + "' has too many triangles (" + triangleTotal + ") for flat arrays");
		}
		int triangleCount = (int) triangleTotal;
		int vertexCount = (int) vertexTotal;
		float[] soup = new float[9 * triangleCount];
		int[] soupVertices = new int[3 * triangleCount];
		int[] soupMaterials = new int[triangleCount];
		int[] soupMeshes = new int[triangleCount];
		float[] normals = new float[3 * vertexCount];
		float[] texcoords = new float[2 * vertexCount];
		float[] tangents = new float[4 * vertexCount];
		int vertexBase = 0;
		int t = 0;
		for (int m = 0; m < scene.meshes().size(); m++) {
			Mesh mesh = scene.meshes().get(m);
			System.arraycopy(mesh.normals(), 0, normals, 3 * vertexBase, mesh.normals().length);
			if (mesh.texcoords() != null) {
				System.arraycopy(mesh.texcoords(), 0, texcoords, 2 * vertexBase, mesh.texcoords().length);
			}
			if (mesh.tangents() != null) {
				System.arraycopy(mesh.tangents(), 0, tangents, 4 * vertexBase, mesh.tangents().length);
			}
			float[] positions = mesh.positions();
			int[] indices = mesh.indices();
			for (int i = 0; i < indices.length; i += 3, t++) {
				for (int k = 0; k < 3; k++) {
					int vertex = indices[i + k];
					soupVertices[3 * t + k] = vertexBase + vertex;
					System.arraycopy(positions, 3 * vertex, soup, 9 * t + 3 * k, 3);
				}
				soupMaterials[t] = mesh.material();
				soupMeshes[t] = m;
			}
			vertexBase += mesh.vertexCount();
		}
		BvhBuilder.Result bvh = BvhBuilder.build(soup, triangleCount);
		float[] triangles = new float[9 * triangleCount];
		int[] triangleVertices = new int[3 * triangleCount];
		int[] triangleMaterials = new int[triangleCount];
		int[] triangleMeshes = new int[triangleCount];
		for (int i = 0; i < triangleCount; i++) {
			int source = bvh.order()[i];
			System.arraycopy(soup, 9 * source, triangles, 9 * i, 9);
			System.arraycopy(soupVertices, 3 * source, triangleVertices, 3 * i, 3);
			triangleMaterials[i] = soupMaterials[source];
			triangleMeshes[i] = soupMeshes[source];
		}

		TextureTable textures = new TextureTable();
		float[] materials = materials(scene.materials(), textures);
		Emitters emitters = emitters(scene.materials(), triangles, triangleMaterials, materials);
		float[] lights = new float[scene.lights().size() * FlatScene.LIGHT_STRIDE];
		for (int l = 0; l < scene.lights().size(); l++) {
			light(scene.lights().get(l), lights, l * FlatScene.LIGHT_STRIDE);
		}
		EnvironmentTables environment = environment(scene.environment(), textures);
		return new FlatScene(triangles, triangleVertices, triangleMaterials, triangleMeshes, normals, texcoords, tangents, bvh.nodes(), bvh.depth(), materials,
				textures.texels(), textures.table(), lights, emitters.triangles(), emitters.cdf(), environment.header(), environment.pdf(),
				environment.marginal(), environment.conditional());
	}

	private record Emitters(int[] triangles, float[] cdf) {
	}

	private record EnvironmentTables(float[] header, float[] pdf, float[] marginal, float[] conditional) {
	}

	private static float[] materials(List<Material> list, TextureTable textures) {
		float[] materials = new float[list.size() * FlatScene.MATERIAL_STRIDE];
		for (int m = 0; m < list.size(); m++) {
			Material material = list.get(m);
			int o = m * FlatScene.MATERIAL_STRIDE;
			System.arraycopy(material.baseColor(), 0, materials, o, 4);
			System.arraycopy(material.emissive(), 0, materials, o + 4, 3);
			materials[o + 7] = material.metallic();
			materials[o + 8] = material.roughness();
			materials[o + 9] = material.specular();
			materials[o + 10] = material.normalScale();
			materials[o + 11] = material.doubleSided() ? 1 : 0;
			materials[o + 12] = textures.index(material.baseColorTexture());
			materials[o + 13] = textures.index(material.metallicRoughnessTexture());
			materials[o + 14] = textures.index(material.normalTexture());
			materials[o + 15] = textures.index(material.emissiveTexture());
		}
		return materials;
	}

	/**
	 * Every triangle of an emitting material, chosen by area × emitted luminance; writes each material's area pdf
	 * (word 16), which that weighting makes constant per material.
	 */
	private static Emitters emitters(List<Material> list, float[] triangles, int[] triangleMaterials, float[] materials) {
		double[] weight = new double[list.size()];
		for (int m = 0; m < list.size(); m++) {
			Material material = list.get(m);
			float[] e = material.emissive();
			double luminance = Math.max(0, Bsdf.luminance(e[0], e[1], e[2]));
			weight[m] = material.emissiveTexture() == null ? luminance : luminance * meanLuminance(material.emissiveTexture());
		}
		int count = 0;
		for (int material : triangleMaterials) {
			count += weight[material] > 0 ? 1 : 0;
		}
		int[] emitters = new int[count];
		double[] power = new double[count];
		double totalPower = 0;
		for (int t = 0, k = 0; t < triangleMaterials.length; t++) {
			if (weight[triangleMaterials[t]] > 0) {
				emitters[k] = t;
				power[k] = area(triangles, t) * weight[triangleMaterials[t]];
				totalPower += power[k++];
			}
		}
		float[] cdf = new float[count + 1];
		if (count == 0 || !Distributions.cumulate(power, cdf, 0)) {
			return new Emitters(new int[0], new float[] { 0 });
		}
		for (int m = 0; m < list.size(); m++) {
			materials[m * FlatScene.MATERIAL_STRIDE + 16] = (float) (weight[m] / totalPower);
		}
		return new Emitters(emitters, cdf);
	}

	private static EnvironmentTables environment(Environment env, TextureTable textures) {
		float[] header = new float[FlatScene.ENVIRONMENT_SIZE];
		float[] none = new float[0];
		if (env.equirect() == null) {
			for (int c = 0; c < 3; c++) {
				header[c] = Math.max(0, env.color()[c] * env.intensity());
			}
			header[3] = -1;
			header[6] = header[0] > 0 || header[1] > 0 || header[2] > 0 ? 1 : 0;
			return new EnvironmentTables(header, none, none, none);
		}
		float intensity = Math.max(0, env.intensity());
		header[0] = header[1] = header[2] = intensity;
		header[3] = textures.index(env.equirect());
		int rows = Math.min(env.equirect().height(), ENVIRONMENT_ROWS);
		int columns = Math.min(env.equirect().width(), 2 * ENVIRONMENT_ROWS);
		float[] pdf = new float[rows * columns];
		float[] marginal = new float[rows + 1];
		float[] conditional = new float[rows * (columns + 1)];
		if (!(intensity > 0) || !environmentTable(env.equirect(), rows, columns, pdf, marginal, conditional)) {
			return new EnvironmentTables(header, none, none, none);
		}
		header[4] = rows;
		header[5] = columns;
		header[6] = 1;
		return new EnvironmentTables(header, pdf, marginal, conditional);
	}

	private static void light(Light light, float[] out, int o) {
		out[o] = light.type().ordinal();
		for (int c = 0; c < 3; c++) {
			out[o + 1 + c] = light.color()[c] * light.intensity();
		}
		if (light.position() != null) {
			System.arraycopy(light.position(), 0, out, o + 4, 3);
		}
		out[o + 7] = light.range();
		if (light.direction() != null) {
			float[] d = light.direction();
			float length = (float) Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
			for (int c = 0; c < 3; c++) {
				out[o + 8 + c] = d[c] / length;
			}
		}
		if (light.type() == Light.Type.SPOT) {
			float cosOuter = (float) Math.cos(light.outerCone());
			float scale = 1 / Math.max(0.001f, (float) Math.cos(light.innerCone()) - cosOuter);
			out[o + 11] = scale;
			out[o + 12] = -cosOuter * scale;
		}
	}

	/** Fills the environment map's sampling table from luminance × sin θ at cell centres; false if it is all black. */
	private static boolean environmentTable(Texture map, int rows, int columns, float[] pdf, float[] marginal, float[] conditional) {
		double[] rowWeights = new double[rows];
		double[] cells = new double[columns];
		float[] texel = new float[4];
		double total = 0;
		for (int r = 0; r < rows; r++) {
			float v = (r + 0.5f) / rows;
			double sinTheta = Math.sin(Math.PI * v);
			double rowSum = 0;
			for (int c = 0; c < columns; c++) {
				map.sample((c + 0.5f) / columns, v, texel);
				cells[c] = Math.max(0, Bsdf.luminance(texel[0], texel[1], texel[2])) * sinTheta;
				pdf[r * columns + c] = (float) cells[c];
				rowSum += cells[c];
			}
			Distributions.cumulate(cells, conditional, r * (columns + 1));
			rowWeights[r] = rowSum;
			total += rowSum;
		}
		if (!(total > 0)) {
			return false;
		}
		Distributions.cumulate(rowWeights, marginal, 0);
		double mean = total / (rows * columns);
		for (int i = 0; i < pdf.length; i++) {
			pdf[i] = (float) (pdf[i] / mean);
		}
		return true;
	}

	private static double area(float[] triangles, int t) {
		int o = 9 * t;
		double e1x = triangles[o + 3] - triangles[o], e1y = triangles[o + 4] - triangles[o + 1], e1z = triangles[o + 5] - triangles[o + 2];
		double e2x = triangles[o + 6] - triangles[o], e2y = triangles[o + 7] - triangles[o + 1], e2z = triangles[o + 8] - triangles[o + 2];
		double cx = e1y * e2z - e1z * e2y, cy = e1z * e2x - e1x * e2z, cz = e1x * e2y - e1y * e2x;
		return 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
	}

	private static double meanLuminance(Texture texture) {
		float[] rgba = texture.rgba();
		double sum = 0;
		for (int i = 0; i < rgba.length; i += 4) {
			sum += Math.max(0, Bsdf.luminance(rgba[i], rgba[i + 1], rgba[i + 2]));
		}
		return sum / (rgba.length / 4);
	}

	/** Assigns texture indices in order of first use and concatenates their texels. */
	private static final class TextureTable {
		private final Map<Texture, Integer> indices = new IdentityHashMap<>();
		private final List<Texture> textures = new ArrayList<>();
		private long floats;

		float index(Texture texture) {
			if (texture == null) {
				return -1;
			}
			Integer known = indices.get(texture);
			if (known != null) {
				return known;
			}
			if (floats + texture.rgba().length > Integer.MAX_VALUE - 8) {
				throw new IllegalArgumentException("textures exceed " + Integer.MAX_VALUE + " floats at '" + texture.name() + "'");
			}
			floats += texture.rgba().length;
			indices.put(texture, textures.size());
			textures.add(texture);
			return textures.size() - 1;
		}

		float[] texels() {
			float[] texels = new float[(int) floats];
			int offset = 0;
			for (Texture texture : textures) {
				System.arraycopy(texture.rgba(), 0, texels, offset, texture.rgba().length);
				offset += texture.rgba().length;
			}
			return texels;
		}

		int[] table() {
			int[] table = new int[textures.size() * FlatScene.TEXTURE_STRIDE];
			int offset = 0;
			for (int i = 0; i < textures.size(); i++) {
				Texture texture = textures.get(i);
				int o = i * FlatScene.TEXTURE_STRIDE;
				table[o] = offset;
				table[o + 1] = texture.width();
				table[o + 2] = texture.height();
				table[o + 3] = texture.wrapS().ordinal() | texture.wrapT().ordinal() << 4;
				offset += texture.rgba().length;
			}
			return table;
		}
	}
}
