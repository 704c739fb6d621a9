package dev.atelier.viewport.trace;

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
		float[] normals = new float[3 * vertexCount];
		float[] texcoords = new float[2 * vertexCount];
		float[] tangents = new float[4 * vertexCount];
		int vertexBase = 0;
		int t = 0;
		for (Mesh mesh : scene.meshes()) {
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
			}
			vertexBase += mesh.vertexCount();
		}
		BvhBuilder.Result bvh = BvhBuilder.build(soup, triangleCount);
		float[] triangles = new float[9 * triangleCount];
		int[] triangleVertices = new int[3 * triangleCount];
		int[] triangleMaterials = new int[triangleCount];
		for (int i = 0; i < triangleCount; i++) {
			int source = bvh.order()[i];
			System.arraycopy(soup, 9 * source, triangles, 9 * i, 9);
			System.arraycopy(soupVertices, 3 * source, triangleVertices, 3 * i, 3);
			triangleMaterials[i] = soupMaterials[source];
		}

		TextureTable textures = new TextureTable();
		List<Material> materialList = scene.materials();
		float[] materials = new float[materialList.size() * FlatScene.MATERIAL_STRIDE];
		for (int m = 0; m < materialList.size(); m++) {
			Material material = materialList.get(m);
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

		double[] emitterWeight = new double[materialList.size()];
		for (int m = 0; m < materialList.size(); m++) {
			Material material = materialList.get(m);
			float[] e = material.emissive();
			double luminance = Math.max(0, Bsdf.luminance(e[0], e[1], e[2]));
			emitterWeight[m] = material.emissiveTexture() == null ? luminance : luminance * meanLuminance(material.emissiveTexture());
		}
		int emitterCount = 0;
		for (int i = 0; i < triangleCount; i++) {
			if (emitterWeight[triangleMaterials[i]] > 0) {
				emitterCount++;
			}
		}
		int[] emitters = new int[emitterCount];
		double[] power = new double[emitterCount];
		for (int i = 0, k = 0; i < triangleCount; i++) {
			if (emitterWeight[triangleMaterials[i]] > 0) {
				emitters[k] = i;
				power[k++] = area(triangles, i) * emitterWeight[triangleMaterials[i]];
			}
		}
		float[] emitterCdf = new float[emitterCount + 1];
		double totalPower = 0;
		for (double p : power) {
			totalPower += p;
		}
		if (emitterCount > 0 && Distributions.cumulate(power, emitterCdf, 0)) {
			for (int m = 0; m < materialList.size(); m++) {
				materials[m * FlatScene.MATERIAL_STRIDE + 16] = (float) (emitterWeight[m] / totalPower);
			}
		} else {
			emitters = new int[0];
			emitterCdf = new float[] { 0 };
		}

		float[] lights = new float[scene.lights().size() * FlatScene.LIGHT_STRIDE];
		for (int l = 0; l < scene.lights().size(); l++) {
			light(scene.lights().get(l), lights, l * FlatScene.LIGHT_STRIDE);
		}

		Environment env = scene.environment();
		float[] environment = new float[FlatScene.ENVIRONMENT_SIZE];
		float[] environmentPdf = new float[0];
		float[] marginal = new float[0];
		float[] conditional = new float[0];
		if (env.equirect() == null) {
			for (int c = 0; c < 3; c++) {
				environment[c] = Math.max(0, env.color()[c] * env.intensity());
			}
			environment[3] = -1;
			environment[6] = environment[0] > 0 || environment[1] > 0 || environment[2] > 0 ? 1 : 0;
		} else {
			float intensity = Math.max(0, env.intensity());
			environment[0] = environment[1] = environment[2] = intensity;
			environment[3] = textures.index(env.equirect());
			int rows = Math.min(env.equirect().height(), ENVIRONMENT_ROWS);
			int columns = Math.min(env.equirect().width(), 2 * ENVIRONMENT_ROWS);
			environmentPdf = new float[rows * columns];
			marginal = new float[rows + 1];
			conditional = new float[rows * (columns + 1)];
			if (intensity > 0 && environmentTable(env.equirect(), rows, columns, environmentPdf, marginal, conditional)) {
				environment[4] = rows;
				environment[5] = columns;
				environment[6] = 1;
			} else {
				environmentPdf = marginal = conditional = new float[0];
			}
		}
		return new FlatScene(triangles, triangleVertices, triangleMaterials, normals, texcoords, tangents, bvh.nodes(), bvh.depth(), materials,
				textures.texels(), textures.table(), lights, emitters, emitterCdf, environment, environmentPdf, marginal, conditional);
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
