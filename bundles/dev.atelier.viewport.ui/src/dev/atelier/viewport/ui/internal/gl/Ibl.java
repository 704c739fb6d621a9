package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.nio.FloatBuffer;

import org.lwjgl.system.MemoryUtil;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.ui.internal.EnvironmentRadiance;
import dev.atelier.viewport.ui.internal.SphericalHarmonics;

/**
 * Image-based lighting for one environment: the environment as a mipmapped cube map (the background, and the source
 * of the prefiltering), the prefiltered specular cube map (level k for roughness k / (levels − 1), GGX
 * importance-sampled on the GPU) and the SH9 irradiance coefficients (projected on the CPU).
 */
final class Ibl {

	/** Cube size for a map environment; a uniform one needs little. */
	static final int MAP_SIZE = 128;
	static final int UNIFORM_SIZE = 16;
	static final int PREFILTER_SAMPLES = 128;

	final int environment;
	final int prefiltered;
	final int levels;
	final float[] sh;
	final boolean black;
	private final GlObjects objects;

	Ibl(GlObjects objects, Program prefilter, int fullscreenVao, Environment env) {
		this.objects = objects;
		black = EnvironmentRadiance.isBlack(env);
		int size = env != null && env.equirect() != null ? MAP_SIZE : UNIFORM_SIZE;
		float[][] faces = black ? new float[6][size * size * 3] : new EnvironmentRadiance(env).cubeFaces(size);
		sh = SphericalHarmonics.project(faces, size);
		levels = Integer.numberOfTrailingZeros(size) - 1; // down to 4 texels a side
		environment = objects.texture();
		int prefilteredId = 0;
		try {
			glBindTexture(GL_TEXTURE_CUBE_MAP, environment);
			FloatBuffer buffer = MemoryUtil.memAllocFloat(size * size * 3);
			try {
				for (int f = 0; f < 6; f++) {
					buffer.clear();
					buffer.put(faces[f]).flip();
					glTexImage2D(GL_TEXTURE_CUBE_MAP_POSITIVE_X + f, 0, GL_RGB16F, size, size, 0, GL_RGB, GL_FLOAT, buffer);
				}
			} finally {
				MemoryUtil.memFree(buffer);
			}
			cubeParameters(GL_LINEAR_MIPMAP_LINEAR);
			glGenerateMipmap(GL_TEXTURE_CUBE_MAP);

			prefilteredId = objects.texture();
			glBindTexture(GL_TEXTURE_CUBE_MAP, prefilteredId);
			for (int level = 0; level < levels; level++) {
				int s = size >> level;
				for (int f = 0; f < 6; f++) {
					glTexImage2D(GL_TEXTURE_CUBE_MAP_POSITIVE_X + f, level, GL_RGB16F, s, s, 0, GL_RGB, GL_FLOAT, (FloatBuffer) null);
				}
			}
			cubeParameters(GL_LINEAR_MIPMAP_LINEAR);
			glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_BASE_LEVEL, 0);
			glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MAX_LEVEL, levels - 1);
			glBindTexture(GL_TEXTURE_CUBE_MAP, 0);
			prefilter(prefilter, fullscreenVao, prefilteredId, size);
			Gl.check("baking the environment's lighting");
		} catch (RuntimeException e) {
			objects.delete(GlObjects.Kind.TEXTURE, environment);
			objects.delete(GlObjects.Kind.TEXTURE, prefilteredId);
			throw e;
		}
		prefiltered = prefilteredId;
	}

	private static void cubeParameters(int minFilter) {
		glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MIN_FILTER, minFilter);
		glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
		glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
		glTexParameteri(GL_TEXTURE_CUBE_MAP, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
	}

	/** Renders every face of every level of the prefiltered map from the environment cube. */
	private void prefilter(Program program, int fullscreenVao, int target, int size) {
		int framebuffer = objects.framebuffer();
		int[] previousViewport = new int[4];
		glGetIntegerv(GL_VIEWPORT, previousViewport);
		int previousFramebuffer = glGetInteger(GL_FRAMEBUFFER_BINDING);
		try {
			glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
			glDisable(GL_DEPTH_TEST);
			glDisable(GL_CULL_FACE);
			glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
			program.use();
			glActiveTexture(GL_TEXTURE0);
			glBindTexture(GL_TEXTURE_CUBE_MAP, environment);
			program.set("uSource", 0);
			program.set("uSourceSize", (float) size);
			program.set("uSamples", PREFILTER_SAMPLES);
			glBindVertexArray(fullscreenVao);
			for (int level = 0; level < levels; level++) {
				int s = size >> level;
				glViewport(0, 0, s, s);
				program.set("uRoughness", level / (float) (levels - 1));
				for (int f = 0; f < 6; f++) {
					glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_CUBE_MAP_POSITIVE_X + f, target, level);
					int status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
					if (status != GL_FRAMEBUFFER_COMPLETE) {
						throw new GlException("the prefiltering framebuffer is incomplete (status 0x" + Integer.toHexString(status) + ")");
					}
					program.set("uFace", f);
					glDrawArrays(GL_TRIANGLES, 0, 3);
				}
			}
			glFinish();
		} finally {
			glBindVertexArray(0);
			glBindTexture(GL_TEXTURE_CUBE_MAP, 0);
			glBindFramebuffer(GL_FRAMEBUFFER, previousFramebuffer);
			glViewport(previousViewport[0], previousViewport[1], previousViewport[2], previousViewport[3]);
			objects.delete(GlObjects.Kind.FRAMEBUFFER, framebuffer);
		}
	}

	void delete() {
		objects.delete(GlObjects.Kind.TEXTURE, environment);
		objects.delete(GlObjects.Kind.TEXTURE, prefiltered);
	}
}
