package dev.atelier.viewport.internal.gltf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntUnaryOperator;

/**
 * Reads accessors into flat arrays, element after element: every component type (normalized integers mapped to
 * [0, 1] or [-1, 1] as the specification says), every element type with the 4-byte column alignment of MAT2 and MAT3
 * with 1- and 2-byte components, byteStride, accessors without a buffer view (zeros) and sparse substitution over
 * either. Every range and count is checked before anything is allocated. The alignment of offsets and strides is not
 * required: reads do not depend on it.
 */
final class Accessors {

	/** Far more values than a scene the renderers can hold; refusing more keeps a corrupt count from allocating gigabytes. */
	static final long MAX_VALUES = 1L << 28;

	enum ComponentType {
		BYTE(5120, 1, "byte"), UNSIGNED_BYTE(5121, 1, "unsigned byte"), SHORT(5122, 2, "short"), UNSIGNED_SHORT(5123, 2, "unsigned short"),
		UNSIGNED_INT(5125, 4, "unsigned int"), FLOAT(5126, 4, "float");

		final int code;
		final int size;
		final String label;

		ComponentType(int code, int size, String label) {
			this.code = code;
			this.size = size;
			this.label = label;
		}

		static ComponentType of(Json code) throws GltfException {
			int c = code.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
			for (ComponentType t : values()) {
				if (t.code == c) {
					return t;
				}
			}
			throw code.error(c + " is not a glTF component type");
		}

		boolean unsignedInteger() {
			return this == UNSIGNED_BYTE || this == UNSIGNED_SHORT || this == UNSIGNED_INT;
		}

		/** The stored value, exactly: a double holds every unsigned int. */
		double raw(ByteBuffer b, int at) {
			return switch (this) {
			case BYTE -> b.get(at);
			case UNSIGNED_BYTE -> b.get(at) & 0xFF;
			case SHORT -> b.getShort(at);
			case UNSIGNED_SHORT -> b.getShort(at) & 0xFFFF;
			case UNSIGNED_INT -> b.getInt(at) & 0xFFFFFFFFL;
			case FLOAT -> b.getFloat(at);
			};
		}

		double normalized(double raw) {
			return switch (this) {
			case BYTE -> Math.max(raw / 127, -1);
			case UNSIGNED_BYTE -> raw / 255;
			case SHORT -> Math.max(raw / 32767, -1);
			case UNSIGNED_SHORT -> raw / 65535;
			case UNSIGNED_INT, FLOAT -> raw;
			};
		}
	}

	enum Type {
		SCALAR(1, 1), VEC2(2, 1), VEC3(3, 1), VEC4(4, 1), MAT2(2, 2), MAT3(3, 3), MAT4(4, 4);

		final int rows;
		final int columns;

		Type(int rows, int columns) {
			this.rows = rows;
			this.columns = columns;
		}

		int components() {
			return rows * columns;
		}

		static Type of(Json name) throws GltfException {
			String s = name.asString();
			for (Type t : values()) {
				if (t.name().equals(s)) {
					return t;
				}
			}
			throw name.error("'" + s + "' is not a glTF accessor type");
		}
	}

	/** An accessor's checked description; {@code json} is the accessor, for messages. */
	record Accessor(Json json, int count, ComponentType componentType, Type type, boolean normalized) {

		/** Matrix columns start on 4-byte boundaries: MAT2 of bytes, MAT3 of bytes or shorts have padded columns. */
		int columnStride() {
			int column = type.rows * componentType.size;
			return type.columns == 1 ? column : (column + 3) & ~3;
		}

		/** The bytes from one tightly packed element to the next. */
		int elementSize() {
			return type.columns * columnStride();
		}

		/** The bytes an element's components span: the last column's padding may be left out at the end of the data. */
		int extent() {
			return offsetOf(type.components() - 1) + componentType.size;
		}

		int offsetOf(int component) {
			return component / type.rows * columnStride() + component % type.rows * componentType.size;
		}

		String describe() {
			return type + " " + componentType.label + (normalized ? " normalized" : "");
		}
	}

	@FunctionalInterface
	private interface Sink {
		void put(int value, double raw) throws GltfException;
	}

	/** Checked places of an accessor's bytes: base is null for an accessor without a buffer view. */
	private record Source(Accessor accessor, ByteBuffer base, int offset, int stride, Sparse sparse) {
	}

	private record Sparse(Json json, int count, ComponentType indexType, ByteBuffer indices, ByteBuffer values) {
	}

	private final GltfDocument doc;
	private final Json accessors;

	Accessors(GltfDocument doc) throws GltfException {
		this.doc = doc;
		this.accessors = doc.root().get("accessors");
	}

	/** The accessor the index {@code ref} refers to, its description checked. */
	Accessor describe(Json ref) throws GltfException {
		return accessor(ref.asIndex(accessors.size(), "accessors"));
	}

	/** Accessor {@code index}, which exists, its description checked. */
	Accessor accessor(int index) throws GltfException {
		Json a = accessors.element(index);
		ComponentType componentType = ComponentType.of(a.get("componentType"));
		Json normalized = a.get("normalized");
		if (normalized.present() && normalized.asBoolean() && (componentType == ComponentType.FLOAT || componentType == ComponentType.UNSIGNED_INT)) {
			throw normalized.error("is true but " + componentType.label + " components cannot be normalized");
		}
		return new Accessor(a, a.get("count").asInt(1, Integer.MAX_VALUE), componentType, Type.of(a.get("type")),
				normalized.present() && normalized.asBoolean());
	}

	/** The accessor's values, {@code count × components} floats; NaN and infinities are refused. */
	float[] floats(Accessor a) throws GltfException {
		Source src = locate(a);
		float[] out = new float[a.count() * a.type().components()];
		fill(src, (i, raw) -> {
			float v = (float) (a.normalized() ? a.componentType().normalized(raw) : raw);
			if (!Float.isFinite(v)) {
				throw a.json().error("component " + i % a.type().components() + " of element " + i / a.type().components() + " is " + v);
			}
			out[i] = v;
		});
		return out;
	}

	/** The values of an accessor of unsigned integers, which the caller has checked it is. */
	int[] integers(Accessor a) throws GltfException {
		Source src = locate(a);
		int[] out = new int[a.count() * a.type().components()];
		fill(src, (i, raw) -> {
			if (raw > Integer.MAX_VALUE) {
				throw a.json().error("element " + i + " is " + (long) raw + ", more than an index can be");
			}
			out[i] = (int) raw;
		});
		return out;
	}

	private Source locate(Accessor a) throws GltfException {
		ByteBuffer base = null;
		long offset = 0;
		int stride = a.elementSize();
		Json viewRef = a.json().get("bufferView");
		if (viewRef.present()) {
			int v = viewRef.asIndex(doc.root().get("bufferViews").size(), "bufferViews");
			GltfDocument.BufferView view = doc.bufferView(v);
			offset = a.json().longInteger("byteOffset", 0, Uris.MAX_BYTES, 0);
			if (view.byteStride() != 0) {
				if (view.byteStride() < a.extent()) {
					throw a.json().error(a.describe() + " elements of " + a.extent() + " bytes overlap in bufferViews[" + v + "] with byteStride "
							+ view.byteStride());
				}
				stride = view.byteStride();
			}
			long needed = offset + (long) stride * (a.count() - 1) + a.extent();
			if (needed > view.data().capacity()) {
				throw a.json().error("count " + a.count() + " × " + a.describe() + " at byteOffset " + offset
						+ (view.byteStride() != 0 ? " with byteStride " + stride : "") + " needs " + needed + " bytes but bufferViews[" + v + "] has "
						+ view.data().capacity());
			}
			base = view.data();
		}
		long values = (long) a.count() * a.type().components();
		if (values > MAX_VALUES) {
			throw a.json().error("count " + a.count() + " × " + a.type() + " is " + values + " values, more than the 2^28 the loader accepts");
		}
		return new Source(a, base, (int) offset, stride, sparse(a));
	}

	private Sparse sparse(Accessor a) throws GltfException {
		Json sparse = a.json().get("sparse");
		if (!sparse.present()) {
			return null;
		}
		int count = sparse.get("count").asInt(1, a.count());
		Json indices = sparse.get("indices").required();
		Json typeCode = indices.get("componentType");
		ComponentType indexType = ComponentType.of(typeCode);
		if (!indexType.unsignedInteger()) {
			throw typeCode.error(indexType.label + " is not an index type (unsigned byte, short or int)");
		}
		ByteBuffer indexBytes = packed(indices, count + " indices", (long) count * indexType.size);
		Json values = sparse.get("values").required();
		ByteBuffer valueBytes = packed(values, count + " × " + a.describe(), (long) a.elementSize() * (count - 1) + a.extent());
		return new Sparse(sparse, count, indexType, indexBytes, valueBytes);
	}

	/** The {@code needed} bytes a sparse part (indices or values) keeps tightly packed from its byteOffset. */
	private ByteBuffer packed(Json part, String what, long needed) throws GltfException {
		int v = part.get("bufferView").asIndex(doc.root().get("bufferViews").size(), "bufferViews");
		ByteBuffer data = doc.bufferView(v).data();
		long offset = part.longInteger("byteOffset", 0, Uris.MAX_BYTES, 0);
		if (offset + needed > data.capacity()) {
			throw part.error(what + " at byteOffset " + offset + " need " + needed + " bytes but bufferViews[" + v + "] has " + data.capacity());
		}
		return data.slice((int) offset, (int) needed).order(ByteOrder.LITTLE_ENDIAN);
	}

	private static void fill(Source src, Sink sink) throws GltfException {
		Accessor a = src.accessor();
		if (src.base() != null) {
			copy(a, src.base(), src.offset(), src.stride(), a.count(), i -> i, sink);
		}
		Sparse s = src.sparse();
		if (s != null) {
			int[] targets = new int[s.count()];
			long previous = -1;
			for (int k = 0; k < s.count(); k++) {
				long index = (long) s.indexType().raw(s.indices(), k * s.indexType().size);
				if (index >= a.count()) {
					throw s.json().get("indices").error("index " + index + " (sparse element " + k + ") is past the accessor's " + a.count() + " elements");
				}
				if (index <= previous) {
					throw s.json().get("indices").error("index " + index + " (sparse element " + k + ") does not follow " + previous
							+ ": sparse indices increase strictly");
				}
				targets[k] = (int) index;
				previous = index;
			}
			copy(a, s.values(), 0, a.elementSize(), s.count(), k -> targets[k], sink);
		}
	}

	private static void copy(Accessor a, ByteBuffer data, int offset, int stride, int count, IntUnaryOperator element, Sink sink)
			throws GltfException {
		int n = a.type().components();
		int[] at = new int[n];
		for (int j = 0; j < n; j++) {
			at[j] = a.offsetOf(j);
		}
		for (int i = 0; i < count; i++) {
			int start = offset + i * stride;
			int first = element.applyAsInt(i) * n;
			for (int j = 0; j < n; j++) {
				sink.put(first + j, a.componentType().raw(data, start + at[j]));
			}
		}
	}
}
