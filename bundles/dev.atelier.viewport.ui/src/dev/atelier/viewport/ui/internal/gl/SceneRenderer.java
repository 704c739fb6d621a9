package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import org.joml.Matrix4f;
import org.joml.Vector3f;
import org.lwjgl.system.MemoryUtil;

import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.ui.internal.BrdfLut;
import dev.atelier.viewport.ui.internal.OrbitCamera;
import dev.atelier.viewport.ui.internal.RasterLight;

/**
 * Draws a scene with one GL 3.3 context current: PBR-shaded meshes under the scene's punctual lights (the first
 * directional one casting shadows from a shadow map) and image-based lighting from its environment, the environment
 * behind them; or the meshes as wireframe; the selected mesh's edges highlighted over either; or a path-traced image over the whole viewport. Everything it makes goes through one {@link GlObjects}: after
 * {@link #dispose} nothing is left. All methods run on the thread whose context is current.
 */
public final class SceneRenderer {

	/** Lights (punctual, and emissive meshes standing in as lights) beyond this many are left out (the shader's uniform arrays). */
	public static final int MAX_LIGHTS = 16;
	static final int UNIT_BASE_COLOR = 0, UNIT_METALLIC_ROUGHNESS = 1, UNIT_NORMAL = 2, UNIT_OCCLUSION = 3, UNIT_EMISSIVE = 4, UNIT_PREFILTERED = 5,
			UNIT_BRDF = 6, UNIT_ENVIRONMENT = 7, UNIT_IMAGE = 8, UNIT_SHADOW = 9;

	/** The selected mesh's wireframe overlay: orange, which none of the built-in scenes shows. */
	static final float[] HIGHLIGHT = { 1f, 0.55f, 0f };

	/** What to draw in one frame; {@code selected} is the index of the scene mesh to highlight, or −1. */
	public record Frame(int width, int height, OrbitCamera camera, boolean wireframe, float exposure, int selected) {
	}

	private final GlObjects objects = new GlObjects();
	private final Program pbr;
	private final Program sky;
	private final Program flat;
	private final Program image;
	private final Program prefilter;
	private final Program depth;
	private final ShadowMap shadowMap;
	/** The index of the light that casts shadows (the first directional one), or −1. */
	private int shadowLight = -1;
	private final int emptyVao;
	private final int white;
	private final int brdfLut;
	private GpuScene scene;
	private List<RasterLight> lights = List.of();
	private Ibl ibl;
	private int imageTexture;
	private int imageWidth;
	private int imageHeight;
	private boolean disposed;

	/** Compiles the programs and makes the lookup table; a failure leaves nothing behind. */
	public SceneRenderer() {
		try {
			pbr = new Program(objects, "pbr.vert", "pbr.frag");
			sky = new Program(objects, "fullscreen.vert", "sky.frag");
			flat = new Program(objects, "pbr.vert", "flat.frag");
			image = new Program(objects, "fullscreen.vert", "image.frag");
			prefilter = new Program(objects, "fullscreen.vert", "prefilter.frag");
			depth = new Program(objects, "pbr.vert", "depth.frag");
			shadowMap = new ShadowMap(objects);
			emptyVao = objects.vertexArray();
			white = whiteTexture();
			brdfLut = lutTexture();
			glEnable(GL_TEXTURE_CUBE_MAP_SEAMLESS);
			Gl.check("setting up the renderer");
		} catch (RuntimeException e) {
			objects.deleteAll();
			throw e;
		}
	}

	private int whiteTexture() {
		int id = objects.texture();
		glBindTexture(GL_TEXTURE_2D, id);
		FloatBuffer one = MemoryUtil.memAllocFloat(4);
		try {
			one.put(new float[] { 1, 1, 1, 1 }).flip();
			glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA16F, 1, 1, 0, GL_RGBA, GL_FLOAT, one);
		} finally {
			MemoryUtil.memFree(one);
		}
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
		glBindTexture(GL_TEXTURE_2D, 0);
		return id;
	}

	private int lutTexture() {
		float[] table = BrdfLut.table();
		int id = objects.texture();
		glBindTexture(GL_TEXTURE_2D, id);
		FloatBuffer data = MemoryUtil.memAllocFloat(table.length);
		try {
			data.put(table).flip();
			glTexImage2D(GL_TEXTURE_2D, 0, GL_RG16F, BrdfLut.SIZE, BrdfLut.SIZE, 0, GL_RG, GL_FLOAT, data);
		} finally {
			MemoryUtil.memFree(data);
		}
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
		glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
		glBindTexture(GL_TEXTURE_2D, 0);
		return id;
	}

	/**
	 * Uploads a scene and bakes its environment, replacing the previous scene only once both succeeded (a failure
	 * leaves the old one showing).
	 */
	public void setScene(Scene s) {
		GpuScene fresh = new GpuScene(objects, s);
		Ibl freshIbl;
		try {
			freshIbl = new Ibl(objects, prefilter, emptyVao, s.environment());
		} catch (RuntimeException e) {
			fresh.delete();
			throw e;
		}
		if (scene != null) {
			scene.delete();
		}
		if (ibl != null) {
			ibl.delete();
		}
		scene = fresh;
		ibl = freshIbl;
		lights = RasterLight.of(s, MAX_LIGHTS);
		shadowLight = -1;
		for (int i = 0; i < lights.size() && shadowLight < 0; i++) {
			if (lights.get(i).kind() == RasterLight.Kind.DIRECTIONAL) {
				shadowLight = i;
			}
		}
		if (shadowLight >= 0 && !fresh.meshes.isEmpty()) {
			shadowMap.render(depth, fresh, s.bounds(), lights.get(shadowLight).direction());
			Gl.check("drawing the shadow map");
		}
	}

	public Scene scene() {
		return scene == null ? null : scene.scene;
	}

	/** Draws the scene (or clears to black without one). */
	public void render(Frame f) {
		glViewport(0, 0, f.width(), f.height());
		glDisable(GL_SCISSOR_TEST);
		glClearColor(0, 0, 0, 1);
		glClearDepth(1);
		glDepthMask(true);
		glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
		if (scene == null) {
			return;
		}
		float aspect = f.width() / (float) Math.max(1, f.height());
		Matrix4f viewProjection = f.camera().viewProjection(aspect);
		glEnable(GL_DEPTH_TEST);
		glDepthFunc(GL_LESS);
		if (f.wireframe()) {
			drawWireframe(viewProjection);
		} else {
			drawShaded(f, viewProjection);
		}
		drawHighlight(f.selected(), viewProjection);
		drawSky(f, viewProjection);
		glBindVertexArray(0);
		glUseProgram(0);
		Gl.checkFrame("drawing a frame");
	}

	private void drawShaded(Frame f, Matrix4f viewProjection) {
		pbr.use();
		pbr.set("uViewProjection", viewProjection);
		Vector3f eye = f.camera().eye();
		pbr.set("uEye", eye.x, eye.y, eye.z);
		pbr.set("uExposure", f.exposure());
		setLights(lights);
		pbr.set("uBaseColorTexture", UNIT_BASE_COLOR);
		pbr.set("uMetallicRoughnessTexture", UNIT_METALLIC_ROUGHNESS);
		pbr.set("uNormalTexture", UNIT_NORMAL);
		pbr.set("uOcclusionTexture", UNIT_OCCLUSION);
		pbr.set("uEmissiveTexture", UNIT_EMISSIVE);
		pbr.set("uPrefiltered", UNIT_PREFILTERED);
		pbr.set("uBrdfLut", UNIT_BRDF);
		pbr.set("uPrefilteredMaxLevel", (float) (ibl.levels - 1));
		pbr.set3v("uIrradianceSh", ibl.sh);
		bind(UNIT_PREFILTERED, GL_TEXTURE_CUBE_MAP, ibl.prefiltered);
		bind(UNIT_BRDF, GL_TEXTURE_2D, brdfLut);
		pbr.set("uShadowMap", UNIT_SHADOW);
		pbr.set("uShadowLight", shadowLight);
		pbr.set("uShadowMatrix", shadowMap.matrix);
		pbr.set("uShadowTexel", shadowMap.texelWorld);
		bind(UNIT_SHADOW, GL_TEXTURE_2D, shadowMap.texture);
		List<Material> materials = scene.scene.materials();
		for (GpuScene.GpuMesh mesh : scene.meshes) {
			Material m = materials.get(mesh.material());
			setMaterial(m);
			if (m.doubleSided()) {
				glDisable(GL_CULL_FACE);
			} else {
				glEnable(GL_CULL_FACE);
				glCullFace(GL_BACK);
			}
			glBindVertexArray(mesh.vertexArray());
			glDrawElements(GL_TRIANGLES, mesh.indexCount(), GL_UNSIGNED_INT, 0);
		}
		glDisable(GL_CULL_FACE);
	}

	private void setMaterial(Material m) {
		float[] b = m.baseColor();
		pbr.set("uBaseColor", b[0], b[1], b[2], b[3]);
		pbr.set("uMetallic", m.metallic());
		pbr.set("uRoughness", m.roughness());
		pbr.set("uSpecular", m.specular());
		pbr.set("uNormalScale", m.normalScale());
		pbr.set("uOcclusionStrength", m.occlusionStrength());
		pbr.set("uEmissive", m.emissive()[0], m.emissive()[1], m.emissive()[2]);
		pbr.set("uHasNormalTexture", m.normalTexture() != null);
		bind(UNIT_BASE_COLOR, GL_TEXTURE_2D, scene.texture(m.baseColorTexture(), white));
		bind(UNIT_METALLIC_ROUGHNESS, GL_TEXTURE_2D, scene.texture(m.metallicRoughnessTexture(), white));
		bind(UNIT_NORMAL, GL_TEXTURE_2D, scene.texture(m.normalTexture(), white));
		bind(UNIT_OCCLUSION, GL_TEXTURE_2D, scene.texture(m.occlusionTexture(), white));
		bind(UNIT_EMISSIVE, GL_TEXTURE_2D, scene.texture(m.emissiveTexture(), white));
	}

	private void setLights(List<RasterLight> lights) {
		int n = Math.min(lights.size(), MAX_LIGHTS);
		pbr.set("uLightCount", n);
		for (int i = 0; i < n; i++) {
			RasterLight l = lights.get(i);
			String at = "[" + i + "]";
			pbr.set("uLightType" + at, switch (l.kind()) {
			case POINT -> 0;
			case SPOT -> 1;
			case DIRECTIONAL -> 2;
			case SURFACE -> 3;
			});
			pbr.set("uLightRadiance" + at, l.radiance()[0], l.radiance()[1], l.radiance()[2]);
			pbr.set("uLightPosition" + at, l.position()[0], l.position()[1], l.position()[2]);
			pbr.set("uLightDirection" + at, l.direction()[0], l.direction()[1], l.direction()[2]);
			pbr.set("uLightRange" + at, l.range());
			if (l.kind() == RasterLight.Kind.SURFACE) {
				pbr.set("uLightCone" + at, l.doubleSided() ? 1 : 0, 0);
			} else {
				pbr.set("uLightCone" + at, l.cone()[0], l.cone()[1]);
			}
		}
	}

	private void drawWireframe(Matrix4f viewProjection) {
		flat.use();
		flat.set("uViewProjection", viewProjection);
		flat.set("uColor", 0.05f, 0.06f, 0.09f);
		glPolygonMode(GL_FRONT_AND_BACK, GL_LINE);
		try {
			for (GpuScene.GpuMesh mesh : scene.meshes) {
				glBindVertexArray(mesh.vertexArray());
				glDrawElements(GL_TRIANGLES, mesh.indexCount(), GL_UNSIGNED_INT, 0);
			}
		} finally {
			glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
		}
	}

	/** The selected mesh's edges over what was drawn, pulled towards the eye so that its own surface does not hide them. */
	private void drawHighlight(int selected, Matrix4f viewProjection) {
		for (GpuScene.GpuMesh mesh : scene.meshes) {
			if (mesh.mesh() != selected) {
				continue;
			}
			flat.use();
			flat.set("uViewProjection", viewProjection);
			flat.set("uColor", HIGHLIGHT[0], HIGHLIGHT[1], HIGHLIGHT[2]);
			glPolygonMode(GL_FRONT_AND_BACK, GL_LINE);
			glEnable(GL_POLYGON_OFFSET_LINE);
			glPolygonOffset(-1, -1);
			glDepthFunc(GL_LEQUAL);
			try {
				glBindVertexArray(mesh.vertexArray());
				glDrawElements(GL_TRIANGLES, mesh.indexCount(), GL_UNSIGNED_INT, 0);
			} finally {
				glDepthFunc(GL_LESS);
				glDisable(GL_POLYGON_OFFSET_LINE);
				glPolygonMode(GL_FRONT_AND_BACK, GL_FILL);
			}
		}
	}

	private void drawSky(Frame f, Matrix4f viewProjection) {
		glDepthFunc(GL_LEQUAL);
		glDepthMask(false);
		sky.use();
		sky.set("uInverseViewProjection", new Matrix4f(viewProjection).invert());
		sky.set("uExposure", f.exposure());
		sky.set("uEnvironment", UNIT_ENVIRONMENT);
		sky.set("uHasEnvironment", !ibl.black);
		bind(UNIT_ENVIRONMENT, GL_TEXTURE_CUBE_MAP, ibl.environment);
		glBindVertexArray(emptyVao);
		glDrawArrays(GL_TRIANGLES, 0, 3);
		glDepthMask(true);
		glDepthFunc(GL_LESS);
	}

	private static void bind(int unit, int target, int texture) {
		glActiveTexture(GL_TEXTURE0 + unit);
		glBindTexture(target, texture);
	}

	/**
	 * Shows a linear RGB image (rows from the top, three floats a pixel) scaled into the viewport, black bars where
	 * its shape differs (a render at a resolution of its own), tone-mapped as the shaded view is.
	 */
	public void renderImage(int width, int height, int imageWidth, int imageHeight, float[] rgb, float exposure) {
		glViewport(0, 0, width, height);
		glClearColor(0, 0, 0, 1);
		glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
		if (rgb == null) {
			return;
		}
		int[] area = fit(width, height, imageWidth, imageHeight);
		glViewport(area[0], area[1], area[2], area[3]);
		uploadImage(imageWidth, imageHeight, rgb);
		glDisable(GL_DEPTH_TEST);
		image.use();
		image.set("uImage", UNIT_IMAGE);
		image.set("uExposure", exposure);
		bind(UNIT_IMAGE, GL_TEXTURE_2D, imageTexture);
		glBindVertexArray(emptyVao);
		glDrawArrays(GL_TRIANGLES, 0, 3);
		glBindVertexArray(0);
		glUseProgram(0);
		Gl.checkFrame("drawing the path-traced image");
	}

	/**
	 * Where an image keeps its shape in a viewport: {x, y, width, height}, centred; the whole viewport when the shapes
	 * differ by less than 2 % (a preview traced at a fraction of the view's size, rounded).
	 */
	public static int[] fit(int width, int height, int imageWidth, int imageHeight) {
		double view = width / (double) height;
		double image = imageWidth / (double) imageHeight;
		if (Math.abs(image / view - 1) < 0.02) {
			return new int[] { 0, 0, width, height };
		}
		int w = image > view ? width : Math.max(1, (int) Math.round(height * image));
		int h = image > view ? Math.max(1, (int) Math.round(width / image)) : height;
		return new int[] { (width - w) / 2, (height - h) / 2, w, h };
	}

	private void uploadImage(int w, int h, float[] rgb) {
		FloatBuffer data = MemoryUtil.memAllocFloat(rgb.length);
		try {
			data.put(rgb).flip();
			glActiveTexture(GL_TEXTURE0 + UNIT_IMAGE);
			if (imageTexture == 0 || w != imageWidth || h != imageHeight) {
				objects.delete(GlObjects.Kind.TEXTURE, imageTexture);
				imageTexture = objects.texture();
				glBindTexture(GL_TEXTURE_2D, imageTexture);
				glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB32F, w, h, 0, GL_RGB, GL_FLOAT, data);
				glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
				glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
				glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
				glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
				imageWidth = w;
				imageHeight = h;
			} else {
				glBindTexture(GL_TEXTURE_2D, imageTexture);
				glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGB, GL_FLOAT, data);
			}
		} finally {
			MemoryUtil.memFree(data);
		}
	}

	/** The pixels of the buffer being drawn (the back buffer), 0xAARRGGBB from the top left row. */
	public static int[] readPixels(int width, int height) {
		ByteBuffer bytes = MemoryUtil.memAlloc(width * height * 4);
		try {
			glPixelStorei(GL_PACK_ALIGNMENT, 1);
			glReadBuffer(GL_BACK);
			glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, bytes);
			Gl.check("reading pixels back");
			int[] argb = new int[width * height];
			for (int y = 0; y < height; y++) {
				int row = (height - 1 - y) * width * 4;
				for (int x = 0; x < width; x++) {
					int o = row + x * 4;
					argb[y * width + x] = 0xFF000000 | (bytes.get(o) & 0xFF) << 16 | (bytes.get(o + 1) & 0xFF) << 8 | (bytes.get(o + 2) & 0xFF);
				}
			}
			return argb;
		} finally {
			MemoryUtil.memFree(bytes);
		}
	}

	/** Live GL objects by kind: what {@link #dispose} will delete. */
	public Map<GlObjects.Kind, Integer> liveObjects() {
		return objects.live();
	}

	public boolean isDisposed() {
		return disposed;
	}

	/** Deletes every GL object it made; the context must be current. */
	public void dispose() {
		if (disposed) {
			return;
		}
		disposed = true;
		scene = null;
		ibl = null;
		imageTexture = 0;
		objects.deleteAll();
	}
}
