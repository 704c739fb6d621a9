# Binary fixtures of the glTF loader's tests (bundles/dev.atelier.viewport.tests/data/gltf): scene.bin for the
# hand-written scene.gltf, its tiny PNG textures (one per PNG layout the decoder handles differently), and scene.glb,
# whose JSON is written out below. Only the standard library: struct for little-endian values, zlib for PNG.
#   python3 releng/viewport/gltf_fixtures.py [bundles/dev.atelier.viewport.tests/data/gltf]
import json, os, struct, sys, zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else "bundles/dev.atelier.viewport.tests/data/gltf"


def floats(*v):
    return struct.pack("<%df" % len(v), *v)


def png(width, height, colour_type, bit_depth, rows):
    """A PNG of unfiltered rows (bytes each); colour types 0 grey, 2 RGB, 6 RGBA."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pad4(data, fill=b"\0"):
    return data + fill * (-len(data) % 4)


def write(name, data):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# scene.bin: the layout scene.gltf's bufferViews describe.
tri = (floats(0, 0, 0, 1, 0, 0, 0, 1, 0)            # 0: POSITION
       + floats(0, 0, 1, 0, 0, 1, 0, 0, 1)          # 36: NORMAL
       + floats(0, 0, 1, 0, 0, 1)                   # 72: TEXCOORD_0
       + floats(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1)  # 96: TANGENT
       + pad4(struct.pack("<3H", 0, 1, 2)))         # 144: indices
s = 0.70710677
slope = floats(0, 0, 0, 0, 1, 0, -1, 0, 1) + floats(s, 0, s, s, 0, s, s, 0, s)  # 152: POSITION, 188: NORMAL
write("scene.bin", tri + slope)
assert len(tri + slope) == 224

# Textures: RGBA 8-bit, RGB 8-bit, grey 8-bit and RGB 16-bit.
write("textures/base color.png", png(2, 1, 6, 8, [bytes([255, 128, 0, 255, 0, 0, 0, 128])]))
write("textures/metal-rough.png", png(1, 1, 2, 8, [bytes([0, 64, 255])]))
write("textures/normal.png", png(1, 1, 2, 8, [bytes([128, 128, 255])]))
write("textures/occlusion.png", png(1, 1, 0, 8, [bytes([200])]))
write("textures/emissive.png", png(1, 1, 2, 16, [struct.pack(">3H", 65535, 32768, 0)]))

# scene.glb: interleaved POSITION and TEXCOORD_0 (byteStride 20), byte indices, a PNG in a buffer view, no normals
# and no scenes.
red = png(1, 1, 2, 8, [bytes([255, 0, 0])])
bin_chunk = (floats(0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1)  # 0: xyz uv per vertex
             + pad4(bytes([0, 1, 2]))                          # 60: indices
             + red)                                            # 64: image
glb_json = {
    "asset": {"version": "2.0", "generator": "gltf_fixtures.py"},
    "buffers": [{"byteLength": len(bin_chunk)}],
    "bufferViews": [
        {"buffer": 0, "byteOffset": 0, "byteLength": 60, "byteStride": 20},
        {"buffer": 0, "byteOffset": 60, "byteLength": 3},
        {"buffer": 0, "byteOffset": 64, "byteLength": len(red)},
    ],
    "accessors": [
        {"bufferView": 0, "byteOffset": 0, "componentType": 5126, "count": 3, "type": "VEC3"},
        {"bufferView": 0, "byteOffset": 12, "componentType": 5126, "count": 3, "type": "VEC2"},
        {"bufferView": 1, "componentType": 5121, "count": 3, "type": "SCALAR"},
    ],
    "images": [{"bufferView": 2, "mimeType": "image/png"}],
    "textures": [{"source": 0}],
    "materials": [{"name": "Red", "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
    "meshes": [{"name": "Flat", "primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1}, "indices": 2, "material": 0}]}],
    "nodes": [{"name": "Up", "mesh": 0, "translation": [0, 0, 1]}],
}
json_chunk = pad4(json.dumps(glb_json).encode(), b" ")
bin_chunk = pad4(bin_chunk)
glb = (struct.pack("<I", len(json_chunk)) + b"JSON" + json_chunk
       + struct.pack("<I", len(bin_chunk)) + b"BIN\0" + bin_chunk)
write("scene.glb", struct.pack("<4sII", b"glTF", 2, 12 + len(glb)) + glb)
