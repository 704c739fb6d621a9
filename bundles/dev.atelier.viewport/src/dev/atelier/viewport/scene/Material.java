package dev.atelier.viewport.scene;

import java.util.Objects;

/**
 * glTF 2.0's metallic-roughness material. Texture factors multiply the textures, as the specification says;
 * a null texture is absent. Colours are linear.
 *
 * @param baseColor               RGBA factor
 * @param metallicRoughnessTexture metalness in B, roughness in G
 * @param emissive                RGB factor (times {@code emissiveStrength} of KHR_materials_emissive_strength)
 * @param specular                KHR_materials_specular's specularFactor: scales the dielectric reflection (1 by default,
 *                                0 for a purely diffuse dielectric)
 */
public record Material(String name, float[] baseColor, Texture baseColorTexture, float metallic, float roughness, Texture metallicRoughnessTexture,
		Texture normalTexture, float normalScale, Texture occlusionTexture, float occlusionStrength, float[] emissive, Texture emissiveTexture,
		boolean doubleSided, float specular) {

	public Material {
		Objects.requireNonNull(name, "name");
		if (baseColor.length != 4 || emissive.length != 3) {
			throw new IllegalArgumentException("material '" + name + "': base colour has 4 components and emissive 3");
		}
	}

	/** A core glTF material: specular factor 1, as without KHR_materials_specular. */
	public Material(String name, float[] baseColor, Texture baseColorTexture, float metallic, float roughness, Texture metallicRoughnessTexture,
			Texture normalTexture, float normalScale, Texture occlusionTexture, float occlusionStrength, float[] emissive, Texture emissiveTexture,
			boolean doubleSided) {
		this(name, baseColor, baseColorTexture, metallic, roughness, metallicRoughnessTexture, normalTexture, normalScale, occlusionTexture,
				occlusionStrength, emissive, emissiveTexture, doubleSided, 1);
	}

	/** glTF's default material: white, fully metallic and rough, as the specification defines it. */
	public static Material defaultMaterial() {
		return new Material("default", new float[] { 1, 1, 1, 1 }, null, 1, 1, null, null, 1, null, 1, new float[3], null, false);
	}

	/** A plain diffuse material: base colour, no metal, fully rough, optionally emissive. */
	public static Material diffuse(String name, float r, float g, float b, float[] emissive) {
		return new Material(name, new float[] { r, g, b, 1 }, null, 0, 1, null, null, 1, null, 1, emissive == null ? new float[3] : emissive.clone(), null, false);
	}

	/**
	 * A Lambertian material: base colour, no metal and no specular reflection (specular factor 0), optionally emissive;
	 * the Cornell box's walls and the white furnace's sphere.
	 */
	public static Material lambertian(String name, float r, float g, float b, float[] emissive) {
		return new Material(name, new float[] { r, g, b, 1 }, null, 0, 1, null, null, 1, null, 1, emissive == null ? new float[3] : emissive.clone(), null, false,
				0);
	}

	public boolean emits() {
		return emissive[0] > 0 || emissive[1] > 0 || emissive[2] > 0;
	}
}
