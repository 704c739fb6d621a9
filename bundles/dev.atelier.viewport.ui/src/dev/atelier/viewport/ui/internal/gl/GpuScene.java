package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.lwjgl.system.MemoryUtil;

import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;
import dev.atelier.viewport.ui.internal.PackedMesh;

/**
 * A scene's meshes and textures in GL: a vertex array, vertex buffer and index buffer per mesh, a mipmapped half-float
 * texture per distinct {@link Texture} of its materials. {@link #delete} frees all of it.
 */
final class GpuScene {

	/** A mesh in GL; {@code mesh} is its index in the scene's meshes (those without triangles are not uploaded). */
	record GpuMesh(int vertexArray, int vertexBuffer, int indexBuffer, int indexCount, int material, int mesh) {
	}

	final Scene scene;
	final List<GpuMesh> meshes = new ArrayList<>();
	private final Map<Texture, Integer> textures = new IdentityHashMap<>();
	private final GlObjects objects;

	GpuScene(GlObjects objects, Scene scene) {
		this.objects = objects;
		this.scene = scene;
		try {
			for (int i = 0; i < scene.meshes().size(); i++) {
				Mesh mesh = scene.meshes().get(i);
				if (mesh.triangleCount() > 0) {
					meshes.add(upload(PackedMesh.of(mesh), i));
				}
			}
			for (Material m : scene.materials()) {
				for (Texture t : new Texture[] { m.baseColorTexture(), m.metallicRoughnessTexture(), m.normalTexture(), m.occlusionTexture(),
						m.emissiveTexture() }) {
					if (t != null && !textures.containsKey(t)) {
						textures.put(t, upload(t));
					}
				}
			}
			Gl.check("uploading scene '" + scene.name() + "'");
		} catch (RuntimeException e) {
			delete();
			throw e;
		}
	}

	private GpuMesh upload(PackedMesh packed, int mesh) {
		int vao = objects.vertexArray();
		int vbo = objects.buffer();
		int ebo = objects.buffer();
		glBindVertexArray(vao);
		FloatBuffer vertices = MemoryUtil.memAllocFloat(packed.vertices().length);
		IntBuffer indices = MemoryUtil.memAllocInt(packed.indices().length);
		try {
			vertices.put(packed.vertices()).flip();
			indices.put(packed.indices()).flip();
			glBindBuffer(GL_ARRAY_BUFFER, vbo);
			glBufferData(GL_ARRAY_BUFFER, vertices, GL_STATIC_DRAW);
			glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ebo);
			glBufferData(GL_ELEMENT_ARRAY_BUFFER, indices, GL_STATIC_DRAW);
		} finally {
			MemoryUtil.memFree(vertices);
			MemoryUtil.memFree(indices);
		}
		attribute(0, 3, PackedMesh.POSITION_OFFSET);
		attribute(1, 3, PackedMesh.NORMAL_OFFSET);
		attribute(2, 2, PackedMesh.TEXCOORD_OFFSET);
		attribute(3, 4, PackedMesh.TANGENT_OFFSET);
		glBindVertexArray(0);
		glBindBuffer(GL_ARRAY_BUFFER, 0);
		return new GpuMesh(vao, vbo, ebo, packed.indices().length, packed.material(), mesh);
	}

	private static void attribute(int index, int size, int offset) {
		glEnableVertexAttribArray(index);
		glVertexAttribPointer(index, size, GL_FLOAT, false, PackedMesh.STRIDE_BYTES, offset);
	}

	private int upload(Texture t) {
		int id = objects.texture();
		glBindTexture(GL_TEXTURE_2D, id);
		FloatBuffer texels = MemoryUtil.memAllocFloat(t.rgba().length);
		try {
			texels.put(t.rgba()).flip();
			// rows from the top: glTF's v = 0 is the first row, which GL puts at t = 0, so no flip is needed
			glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA16F, t.width(), t.height(), 0, GL_RGBA, GL_FLOAT, texels);
		} finally {
			MemoryUtil.memFree(texels);
		}
		glGenerateMipmap(GL_TEXTURE_2D);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, wrap(t.wrapS()));
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, wrap(t.wrapT()));
		glBindTexture(GL_TEXTURE_2D, 0);
		return id;
	}

	static int wrap(Texture.Wrap w) {
		return switch (w) {
		case REPEAT -> GL_REPEAT;
		case CLAMP_TO_EDGE -> GL_CLAMP_TO_EDGE;
		case MIRRORED_REPEAT -> GL_MIRRORED_REPEAT;
		};
	}

	/** The GL texture of a scene texture, or {@code absent} for null. */
	int texture(Texture t, int absent) {
		return t == null ? absent : textures.get(t);
	}

	int textureCount() {
		return textures.size();
	}

	void delete() {
		for (GpuMesh m : meshes) {
			objects.delete(GlObjects.Kind.VERTEX_ARRAY, m.vertexArray());
			objects.delete(GlObjects.Kind.BUFFER, m.vertexBuffer());
			objects.delete(GlObjects.Kind.BUFFER, m.indexBuffer());
		}
		meshes.clear();
		for (int id : textures.values()) {
			objects.delete(GlObjects.Kind.TEXTURE, id);
		}
		textures.clear();
	}
}
