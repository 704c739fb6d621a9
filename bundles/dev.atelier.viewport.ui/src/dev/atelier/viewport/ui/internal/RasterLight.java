package dev.atelier.viewport.ui.internal;

import java.util.ArrayList;
import java.util.List;

import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;

/**
 * A light as the raster shader takes it: the scene's punctual lights as they are, and each emissive mesh as one
 * light at its area-weighted centre (a rasteriser without area lights would leave a room lit by a lamp panel black).
 * A flat emitter becomes a {@link Kind#SURFACE} light, a point whose intensity falls with the cosine to its normal
 * (I = L·A·cos θ, a small Lambertian panel seen from afar); a curved one a point light of intensity L·A/4 (a convex
 * emitter's mean projected area is a quarter of its area). No shadows either way.
 *
 * @param radiance    colour × intensity: candela (W/sr) for point, spot and surface lights, lux for directional ones
 * @param direction   the way the light travels (directional, spot), or a surface light's normal
 * @param cone        a spot light's cos θ scale and offset, as KHR_lights_punctual's smooth falloff takes them
 * @param doubleSided a surface light that shines from both faces
 */
public record RasterLight(Kind kind, float[] radiance, float[] position, float[] direction, float range, float[] cone, boolean doubleSided) {

	public enum Kind {
		POINT, SPOT, DIRECTIONAL, SURFACE
	}

	/** Flat enough to be a panel: the area-weighted normals add up to this fraction of the area. */
	static final double FLAT = 0.98;

	public static RasterLight of(Light l) {
		Kind kind = switch (l.type()) {
		case POINT -> Kind.POINT;
		case SPOT -> Kind.SPOT;
		case DIRECTIONAL -> Kind.DIRECTIONAL;
		};
		float[] radiance = { l.color()[0] * l.intensity(), l.color()[1] * l.intensity(), l.color()[2] * l.intensity() };
		float cosOuter = (float) Math.cos(l.outerCone());
		float scale = 1 / Math.max(0.001f, (float) Math.cos(l.innerCone()) - cosOuter);
		return new RasterLight(kind, radiance, l.position() == null ? new float[3] : l.position().clone(),
				l.direction() == null ? new float[] { 0, 0, -1 } : l.direction().clone(), l.range(), new float[] { scale, -cosOuter * scale }, false);
	}

	/** The scene's punctual lights, then one light per emissive mesh, at most {@code max} in all. */
	public static List<RasterLight> of(Scene scene, int max) {
		List<RasterLight> lights = new ArrayList<>();
		for (Light l : scene.lights()) {
			if (lights.size() < max) {
				lights.add(of(l));
			}
		}
		for (Mesh m : scene.meshes()) {
			Material material = scene.materials().get(m.material());
			if (material.emits() && lights.size() < max) {
				RasterLight emitter = emitter(m, material);
				if (emitter != null) {
					lights.add(emitter);
				}
			}
		}
		return lights;
	}

	/** The light standing in for an emissive mesh, or null when it has no area. */
	static RasterLight emitter(Mesh mesh, Material material) {
		float[] p = mesh.positions();
		int[] idx = mesh.indices();
		double area = 0;
		double[] centre = new double[3];
		double[] normal = new double[3];
		for (int t = 0; t < idx.length; t += 3) {
			int a = 3 * idx[t], b = 3 * idx[t + 1], c = 3 * idx[t + 2];
			double ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
			double vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
			double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
			double twice = Math.sqrt(nx * nx + ny * ny + nz * nz);
			double triangle = twice / 2;
			area += triangle;
			for (int k = 0; k < 3; k++) {
				centre[k] += triangle * (p[a + k] + p[b + k] + p[c + k]) / 3;
			}
			normal[0] += nx / 2;
			normal[1] += ny / 2;
			normal[2] += nz / 2;
		}
		if (area <= 0) {
			return null;
		}
		float[] position = { (float) (centre[0] / area), (float) (centre[1] / area), (float) (centre[2] / area) };
		double projected = Math.sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
		float[] e = material.emissive();
		boolean flat = projected >= FLAT * area;
		float k = (float) (flat ? area : area / 4);
		float[] radiance = { e[0] * k, e[1] * k, e[2] * k };
		if (flat) {
			float[] n = { (float) (normal[0] / projected), (float) (normal[1] / projected), (float) (normal[2] / projected) };
			return new RasterLight(Kind.SURFACE, radiance, position, n, 0, new float[2], material.doubleSided());
		}
		return new RasterLight(Kind.POINT, radiance, position, new float[] { 0, 0, -1 }, 0, new float[2], false);
	}
}
