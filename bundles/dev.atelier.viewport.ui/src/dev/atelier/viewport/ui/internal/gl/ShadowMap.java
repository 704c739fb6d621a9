package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.nio.FloatBuffer;

import org.joml.Matrix4f;
import org.joml.Vector3f;
import org.lwjgl.system.MemoryStack;

/**
 * The depth of the scene as a directional light sees it, for its shadows: an orthographic view along the light that
 * just holds the scene's bounding sphere, drawn once per scene (meshes and lights do not move). Outside the map
 * everything is lit (border depth 1).
 */
final class ShadowMap {

	static final int SIZE = 2048;

	final int texture;
	final int framebuffer;
	/** World position to the map's texture coordinates (xy) and depth (z), all in [0, 1]. */
	final Matrix4f matrix = new Matrix4f();
	/** One texel of the map in world units. */
	float texelWorld;

	ShadowMap(GlObjects objects) {
		texture = objects.texture();
		glBindTexture(GL_TEXTURE_2D, texture);
		glTexImage2D(GL_TEXTURE_2D, 0, GL_DEPTH_COMPONENT24, SIZE, SIZE, 0, GL_DEPTH_COMPONENT, GL_FLOAT, (FloatBuffer) null);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_BORDER);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_BORDER);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_COMPARE_REF_TO_TEXTURE);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_FUNC, GL_LEQUAL);
		try (MemoryStack stack = MemoryStack.stackPush()) {
			glTexParameterfv(GL_TEXTURE_2D, GL_TEXTURE_BORDER_COLOR, stack.floats(1, 1, 1, 1));
		}
		glBindTexture(GL_TEXTURE_2D, 0);
		framebuffer = objects.framebuffer();
		int previous = glGetInteger(GL_FRAMEBUFFER_BINDING);
		glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
		glFramebufferTexture2D(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_TEXTURE_2D, texture, 0);
		glDrawBuffer(GL_NONE);
		glReadBuffer(GL_NONE);
		int status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
		glBindFramebuffer(GL_FRAMEBUFFER, previous);
		if (status != GL_FRAMEBUFFER_COMPLETE) {
			throw new GlException("the shadow map's framebuffer is incomplete (status 0x" + Integer.toHexString(status) + ")");
		}
	}

	/** Draws the scene's depth along {@code direction} (the way the light travels), framing {@code bounds}. */
	void render(Program depth, GpuScene scene, float[] bounds, float[] direction) {
		Vector3f min = new Vector3f(bounds[0], bounds[1], bounds[2]);
		Vector3f max = new Vector3f(bounds[3], bounds[4], bounds[5]);
		Vector3f centre = new Vector3f(min).add(max).mul(0.5f);
		float radius = Math.max(max.distance(min) / 2, 1e-3f) * 1.02f;
		Vector3f d = new Vector3f(direction[0], direction[1], direction[2]).normalize();
		Vector3f eye = new Vector3f(centre).sub(new Vector3f(d).mul(2 * radius));
		Vector3f up = Math.abs(d.y) > 0.99f ? new Vector3f(1, 0, 0) : new Vector3f(0, 1, 0);
		Matrix4f lightViewProjection = new Matrix4f().ortho(-radius, radius, -radius, radius, 0.9f * radius, 3.1f * radius)
				.mul(new Matrix4f().lookAt(eye, centre, up));
		matrix.identity().translate(0.5f, 0.5f, 0.5f).scale(0.5f).mul(lightViewProjection);
		texelWorld = 2 * radius / SIZE;

		int[] viewport = new int[4];
		glGetIntegerv(GL_VIEWPORT, viewport);
		int previous = glGetInteger(GL_FRAMEBUFFER_BINDING);
		try {
			glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
			glViewport(0, 0, SIZE, SIZE);
			glClearDepth(1);
			glDepthMask(true);
			glClear(GL_DEPTH_BUFFER_BIT);
			glEnable(GL_DEPTH_TEST);
			glDepthFunc(GL_LESS);
			glDisable(GL_CULL_FACE);
			glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
			glEnable(GL_POLYGON_OFFSET_FILL);
			glPolygonOffset(1.5f, 2f);
			depth.use();
			depth.set("uViewProjection", lightViewProjection);
			for (GpuScene.GpuMesh mesh : scene.meshes) {
				glBindVertexArray(mesh.vertexArray());
				glDrawElements(GL_TRIANGLES, mesh.indexCount(), GL_UNSIGNED_INT, 0);
			}
		} finally {
			glDisable(GL_POLYGON_OFFSET_FILL);
			glBindVertexArray(0);
			glUseProgram(0);
			glBindFramebuffer(GL_FRAMEBUFFER, previous);
			glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
		}
	}
}
