package dev.atelier.viewport.internal.gltf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.atelier.viewport.internal.gltf.ImageDecoder.Pixels;
import dev.atelier.viewport.scene.Texture;

/**
 * A material's texture references resolved to scene textures: texture → sampler (wrap modes; filters are the
 * renderer's business) → image, read from a file, a data URI or a buffer view. An image is decoded once per colour
 * space (colour textures from sRGB, data textures as stored) and shared by the textures that use it.
 */
final class Textures {

	private static final int CLAMP_TO_EDGE = 33071;
	private static final int MIRRORED_REPEAT = 33648;
	private static final int REPEAT = 10497;

	private record Key(int index, boolean srgb) {
	}

	private final GltfDocument doc;
	private final Consumer<String> notes;
	private final Json textures;
	private final Json images;
	private final Map<Key, Texture> byTexture = new HashMap<>();
	private final Map<Key, Pixels> byImage = new HashMap<>();
	private final Set<Integer> unsourced = new HashSet<>();

	Textures(GltfDocument doc, Consumer<String> notes) throws GltfException {
		this.doc = doc;
		this.notes = notes;
		this.textures = doc.root().get("textures");
		this.images = doc.root().get("images");
	}

	/**
	 * The texture a material's textureInfo {@code info} names, decoded from sRGB where {@code srgb}; null where the
	 * info is absent, or where the texture has no image in a core format (a note says so).
	 */
	Texture texture(Json info, boolean srgb) throws GltfException {
		if (!info.present()) {
			return null;
		}
		int index = info.get("index").asIndex(textures.size(), "textures");
		int texCoord = info.integer("texCoord", 0, Integer.MAX_VALUE, 0);
		if (texCoord != 0) {
			notes.accept(info.note("texCoord " + texCoord + " is not supported; TEXCOORD_0 is used"));
		}
		Json texture = textures.element(index);
		if (!texture.get("source").present()) {
			if (unsourced.add(index)) {
				notes.accept(texture.note("has no PNG or JPEG source and is left out"));
			}
			return null;
		}
		Key key = new Key(index, srgb);
		Texture t = byTexture.get(key);
		if (t == null) {
			t = load(texture, srgb);
			byTexture.put(key, t);
		}
		return t;
	}

	private Texture load(Json texture, boolean srgb) throws GltfException {
		int image = texture.get("source").asIndex(images.size(), "images");
		Key key = new Key(image, srgb);
		Pixels px = byImage.get(key);
		if (px == null) {
			px = ImageDecoder.decode(images.element(image), bytes(images.element(image)), srgb);
			byImage.put(key, px);
		}
		Json sampler = samplerOf(texture);
		return new Texture(name(images.element(image)), px.width(), px.height(), px.rgba(), wrap(sampler.get("wrapS")), wrap(sampler.get("wrapT")));
	}

	/** The texture's sampler, or an absent one: repeat in both directions. */
	private Json samplerOf(Json texture) throws GltfException {
		Json ref = texture.get("sampler");
		if (!ref.present()) {
			return ref;
		}
		Json samplers = doc.root().get("samplers");
		return samplers.element(ref.asIndex(samplers.size(), "samplers"));
	}

	private static Texture.Wrap wrap(Json mode) throws GltfException {
		if (!mode.present()) {
			return Texture.Wrap.REPEAT;
		}
		int code = mode.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
		return switch (code) {
		case CLAMP_TO_EDGE -> Texture.Wrap.CLAMP_TO_EDGE;
		case MIRRORED_REPEAT -> Texture.Wrap.MIRRORED_REPEAT;
		case REPEAT -> Texture.Wrap.REPEAT;
		default -> throw mode.error(code + " is not a glTF wrap mode");
		};
	}

	private ByteBuffer bytes(Json image) throws GltfException {
		Json uri = image.get("uri");
		Json view = image.get("bufferView");
		if (uri.present() == view.present()) {
			throw image.error(uri.present() ? "has both a uri and a bufferView" : "has neither a uri nor a bufferView");
		}
		if (uri.present()) {
			return Uris.read(uri, doc.directory());
		}
		return doc.bufferView(view.asIndex(doc.root().get("bufferViews").size(), "bufferViews")).data();
	}

	/** The image's name, else its file's, else its place in the document. */
	private static String name(Json image) throws GltfException {
		String name = image.string("name", null);
		if (name != null) {
			return name;
		}
		String file = image.get("uri").present() ? Uris.fileName(image.get("uri")) : null;
		return file != null ? file : image.path();
	}
}
