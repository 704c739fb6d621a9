package dev.atelier.viewport.internal.gltf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Texture;

/**
 * glTF materials as the scene's metallic-roughness materials, converted when a placed primitive first uses them (so
 * the textures of unused materials are never decoded), plus the specification's default material for primitives
 * without one. Scene material indices follow first use, not the document's order.
 */
final class Materials {

	private final Json materials;
	private final Textures textures;
	private final Consumer<String> notes;
	private final List<Material> converted = new ArrayList<>();
	private final Map<Integer, Integer> sceneIndex = new HashMap<>();
	private int defaultIndex = -1;

	Materials(GltfDocument doc, Textures textures, Consumer<String> notes) throws GltfException {
		this.materials = doc.root().get("materials");
		this.textures = textures;
		this.notes = notes;
	}

	/** The scene index of the material a primitive's {@code material} property names, or of the default one. */
	int index(Json ref) throws GltfException {
		if (!ref.present()) {
			if (defaultIndex < 0) {
				defaultIndex = converted.size();
				converted.add(Material.defaultMaterial());
			}
			return defaultIndex;
		}
		int i = ref.asIndex(materials.size(), "materials");
		Integer known = sceneIndex.get(i);
		if (known == null) {
			converted.add(convert(materials.element(i)));
			known = converted.size() - 1;
			sceneIndex.put(i, known);
		}
		return known;
	}

	List<Material> materials() {
		return converted;
	}

	private Material convert(Json m) throws GltfException {
		Json pbr = m.get("pbrMetallicRoughness");
		Json normal = m.get("normalTexture");
		Json occlusion = m.get("occlusionTexture");
		String alphaMode = m.string("alphaMode", "OPAQUE");
		if (!alphaMode.equals("OPAQUE")) {
			notes.accept(m.note("alphaMode " + alphaMode + " is not kept: the base colour's alpha is all the scene has"));
		}
		float strength = m.get("extensions").get("KHR_materials_emissive_strength").number("emissiveStrength", 1);
		float[] emissive = m.numbers("emissiveFactor", 0, 0, 0);
		for (int c = 0; c < 3; c++) {
			emissive[c] *= strength;
		}
		Texture baseColorTexture = textures.texture(pbr.get("baseColorTexture"), true);
		Texture metallicRoughness = textures.texture(pbr.get("metallicRoughnessTexture"), false);
		Texture normalTexture = textures.texture(normal, false);
		Texture occlusionTexture = textures.texture(occlusion, false);
		Texture emissiveTexture = textures.texture(m.get("emissiveTexture"), true);
		return new Material(m.string("name", m.path()), pbr.numbers("baseColorFactor", 1, 1, 1, 1), baseColorTexture, pbr.number("metallicFactor", 1),
				pbr.number("roughnessFactor", 1), metallicRoughness, normalTexture, normal.number("scale", 1), occlusionTexture,
				occlusion.number("strength", 1), emissive, emissiveTexture, m.bool("doubleSided", false));
	}
}
