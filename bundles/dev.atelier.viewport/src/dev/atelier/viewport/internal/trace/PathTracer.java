package dev.atelier.viewport.internal.trace;

/**
 * The integrator: unidirectional path tracing of one pixel sample at a time, with next-event estimation at every
 * scattering vertex to the punctual lights (all of them when there are at most {@value #ALL_PUNCTUAL_LIGHTS},
 * else one chosen uniformly), to one emissive triangle (chosen by power, a uniform point on it, solid-angle pdf)
 * and to the environment; emitters and the environment are also reached by BSDF sampling, and the two strategies
 * are weighted by the power heuristic (β = 2). Russian roulette from bounce {@value #ROULETTE_BOUNCE} on, with the
 * throughput's largest component as survival probability.
 * <p>
 * Units: emission and environment are radiance; a point or spot light of intensity I (candela, taken as W/sr)
 * gives irradiance I cos θ / d² and a directional light of E lux irradiance E cos θ, so a white Lambertian surface
 * facing a 1 cd light 1 m away has radiance 1/π. Surfaces scatter from both sides (the normals are turned towards
 * the viewer); only double-sided emissive materials emit from their back. Rays leave a surface from a point pushed
 * off it along the geometric normal by {@value #RAY_OFFSET} × (1 + largest |coordinate|); directions on the wrong
 * side of the geometric surface end the path (shading normals cannot leak light through it).
 * One per thread; a sample's result lands in the public-to-package fields the film reads.
 */
final class PathTracer {

	static final int ALL_PUNCTUAL_LIGHTS = 8;
	static final int ROULETTE_BOUNCE = 3;
	private static final float RAY_OFFSET = 1e-5f;

	private final FlatScene scene;
	private final float[] triangles;
	private final float[] materials;
	private final Intersector intersector;
	private final Bsdf bsdf = new Bsdf();
	private final EnvironmentLight environment;
	private final Rng rng = new Rng();
	private final PinholeCamera camera;
	private final int maxBounces;
	private final float[] direction = new float[3];
	private final float[] texel = new float[4];

	long primaryRays;
	long totalRays;
	float radianceR, radianceG, radianceB;
	float albedoR, albedoG, albedoB;
	float normalX, normalY, normalZ;

	// the current surface point: position, geometric normal (towards the viewer), shading frame (t, b, n)
	private float px, py, pz;
	private float gx, gy, gz;
	private float tx, ty, tz, bx, by, bz, nx, ny, nz;
	private float baseR, baseG, baseB, metallic, roughness, specular;
	private float emitR, emitG, emitB, emitterAreaPdf;
	// direct light gathered at the current vertex, before the throughput
	private float directR, directG, directB;

	PathTracer(FlatScene scene, PinholeCamera camera, int maxBounces) {
		this.scene = scene;
		this.camera = camera;
		this.maxBounces = maxBounces;
		triangles = scene.triangles;
		materials = scene.materials;
		intersector = new Intersector(scene);
		environment = new EnvironmentLight(scene);
	}

	/** Traces sample {@code sampleIndex} of pixel (x, y) of a film {@code width} pixels wide. */
	void sample(int x, int y, int width, int sampleIndex, long seed) {
		rng.reset(seed, y * width + x, sampleIndex);
		camera.direction(x + rng.nextFloat(), y + rng.nextFloat(), direction);
		float ox = camera.originX;
		float oy = camera.originY;
		float oz = camera.originZ;
		float dx = direction[0];
		float dy = direction[1];
		float dz = direction[2];
		float betaR = 1, betaG = 1, betaB = 1;
		float sumR = 0, sumG = 0, sumB = 0;
		float previousPdf = 0;
		albedoR = albedoG = albedoB = normalX = normalY = normalZ = 0;
		primaryRays++;
		for (int bounce = 0;; bounce++) {
			totalRays++;
			if (!intersector.closestHit(ox, oy, oz, dx, dy, dz, Float.POSITIVE_INFINITY)) {
				environment.radiance(dx, dy, dz);
				float weight = bounce == 0 ? 1 : powerHeuristic(previousPdf, environment.pdf(dx, dy, dz));
				sumR += betaR * environment.r * weight;
				sumG += betaG * environment.g * weight;
				sumB += betaB * environment.b * weight;
				break;
			}
			float distance = intersector.hitT;
			surface(intersector.hitTriangle, intersector.hitU, intersector.hitV, dx, dy, dz);
			if (bounce == 0) {
				albedoR = baseR;
				albedoG = baseG;
				albedoB = baseB;
				normalX = nx;
				normalY = ny;
				normalZ = nz;
			}
			if (emitR > 0 || emitG > 0 || emitB > 0) {
				float weight = 1;
				if (bounce > 0 && emitterAreaPdf > 0) {
					float cosLight = Math.abs(gx * dx + gy * dy + gz * dz);
					weight = powerHeuristic(previousPdf, emitterAreaPdf * distance * distance / cosLight);
				}
				sumR += betaR * emitR * weight;
				sumG += betaG * emitG * weight;
				sumB += betaB * emitB * weight;
			}
			if (bounce >= maxBounces) {
				break;
			}
			float vx = -(dx * tx + dy * ty + dz * tz);
			float vy = -(dx * bx + dy * by + dz * bz);
			float vz = -(dx * nx + dy * ny + dz * nz);
			bsdf.setUp(baseR, baseG, baseB, metallic, roughness, specular, vz);
			directLight(vx, vy, vz);
			sumR += betaR * directR;
			sumG += betaG * directG;
			sumB += betaB * directB;
			if (!bsdf.sample(vx, vy, vz, rng.nextFloat(), rng.nextFloat(), rng.nextFloat())) {
				break;
			}
			dx = bsdf.wx * tx + bsdf.wy * bx + bsdf.wz * nx;
			dy = bsdf.wx * ty + bsdf.wy * by + bsdf.wz * ny;
			dz = bsdf.wx * tz + bsdf.wy * bz + bsdf.wz * nz;
			if (dx * gx + dy * gy + dz * gz <= 0) {
				break;
			}
			betaR *= bsdf.valueR / bsdf.pdf;
			betaG *= bsdf.valueG / bsdf.pdf;
			betaB *= bsdf.valueB / bsdf.pdf;
			previousPdf = bsdf.pdf;
			if (bounce + 1 >= ROULETTE_BOUNCE) {
				float survival = Math.max(betaR, Math.max(betaG, betaB));
				if (survival < 1) {
					if (rng.nextFloat() >= survival) {
						break;
					}
					betaR /= survival;
					betaG /= survival;
					betaB /= survival;
				}
			}
			float offset = offset(px, py, pz);
			ox = px + gx * offset;
			oy = py + gy * offset;
			oz = pz + gz * offset;
		}
		if (Float.isFinite(sumR) && Float.isFinite(sumG) && Float.isFinite(sumB)) {
			radianceR = sumR;
			radianceG = sumG;
			radianceB = sumB;
		} else {
			radianceR = radianceG = radianceB = 0;
		}
	}

	/** Fills the surface fields for a hit on triangle {@code t} at barycentrics (u, v) by a ray along d. */
	private void surface(int t, float u, float v, float dx, float dy, float dz) {
		float w = 1 - u - v;
		int o = 9 * t;
		float[] p = triangles;
		px = w * p[o] + u * p[o + 3] + v * p[o + 6];
		py = w * p[o + 1] + u * p[o + 4] + v * p[o + 7];
		pz = w * p[o + 2] + u * p[o + 5] + v * p[o + 8];
		float e1x = p[o + 3] - p[o], e1y = p[o + 4] - p[o + 1], e1z = p[o + 5] - p[o + 2];
		float e2x = p[o + 6] - p[o], e2y = p[o + 7] - p[o + 1], e2z = p[o + 8] - p[o + 2];
		gx = e1y * e2z - e1z * e2y;
		gy = e1z * e2x - e1x * e2z;
		gz = e1x * e2y - e1y * e2x;
		float inv = 1 / (float) Math.sqrt(gx * gx + gy * gy + gz * gz);
		gx *= inv;
		gy *= inv;
		gz *= inv;
		int i0 = scene.triangleVertices[3 * t];
		int i1 = scene.triangleVertices[3 * t + 1];
		int i2 = scene.triangleVertices[3 * t + 2];
		float[] n = scene.normals;
		nx = w * n[3 * i0] + u * n[3 * i1] + v * n[3 * i2];
		ny = w * n[3 * i0 + 1] + u * n[3 * i1 + 1] + v * n[3 * i2 + 1];
		nz = w * n[3 * i0 + 2] + u * n[3 * i1 + 2] + v * n[3 * i2 + 2];
		float[] uvs = scene.texcoords;
		float s = w * uvs[2 * i0] + u * uvs[2 * i1] + v * uvs[2 * i2];
		float q = w * uvs[2 * i0 + 1] + u * uvs[2 * i1 + 1] + v * uvs[2 * i2 + 1];
		int m = scene.triangleMaterials[t] * FlatScene.MATERIAL_STRIDE;
		int normalTexture = (int) materials[m + 14];
		if (normalTexture >= 0 && scene.tangents[4 * i0 + 3] != 0) {
			normalMap(normalTexture, materials[m + 10], i0, i1, i2, w, u, v, s, q);
		}
		float length = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
		if (length > 0) {
			nx /= length;
			ny /= length;
			nz /= length;
		} else {
			nx = gx;
			ny = gy;
			nz = gz;
		}
		boolean front = gx * dx + gy * dy + gz * dz < 0;
		if (!front) {
			gx = -gx;
			gy = -gy;
			gz = -gz;
			nx = -nx;
			ny = -ny;
			nz = -nz;
		}
		if (nx * dx + ny * dy + nz * dz >= 0) {
			nx = gx;
			ny = gy;
			nz = gz;
		}
		frame();
		material(m, s, q);
		emitR = emitG = emitB = 0;
		emitterAreaPdf = materials[m + 16];
		if (front || materials[m + 11] != 0) {
			emission(m, s, q);
			emitR = texel[0];
			emitG = texel[1];
			emitB = texel[2];
		}
	}

	/** Perturbs the interpolated normal (n fields) by a tangent-space normal map. */
	private void normalMap(int texture, float scale, int i0, int i1, int i2, float w, float u, float v, float s, float q) {
		float[] tg = scene.tangents;
		float ax = w * tg[4 * i0] + u * tg[4 * i1] + v * tg[4 * i2];
		float ay = w * tg[4 * i0 + 1] + u * tg[4 * i1 + 1] + v * tg[4 * i2 + 1];
		float az = w * tg[4 * i0 + 2] + u * tg[4 * i1 + 2] + v * tg[4 * i2 + 2];
		float length = (float) Math.sqrt(nx * nx + ny * ny + nz * nz);
		if (!(length > 0)) {
			return;
		}
		float mx = nx / length, my = ny / length, mz = nz / length;
		float along = ax * mx + ay * my + az * mz;
		ax -= along * mx;
		ay -= along * my;
		az -= along * mz;
		float tangentLength = (float) Math.sqrt(ax * ax + ay * ay + az * az);
		if (!(tangentLength > 0)) {
			return;
		}
		ax /= tangentLength;
		ay /= tangentLength;
		az /= tangentLength;
		float sign = tg[4 * i0 + 3] < 0 ? -1 : 1;
		float cx = (my * az - mz * ay) * sign;
		float cy = (mz * ax - mx * az) * sign;
		float cz = (mx * ay - my * ax) * sign;
		Texels.sample(scene.texels, scene.textures, texture, s, q, texel);
		float x = (2 * texel[0] - 1) * scale;
		float y = (2 * texel[1] - 1) * scale;
		float z = 2 * texel[2] - 1;
		nx = ax * x + cx * y + mx * z;
		ny = ay * x + cy * y + my * z;
		nz = az * x + cz * y + mz * z;
	}

	/** An orthonormal tangent frame around n (Duff et al. 2017, branchless). */
	private void frame() {
		float sign = Math.copySign(1f, nz);
		float a = -1 / (sign + nz);
		float b = nx * ny * a;
		tx = 1 + sign * nx * nx * a;
		ty = sign * b;
		tz = -sign * nx;
		bx = b;
		by = sign + ny * ny * a;
		bz = -ny;
	}

	private void material(int m, float s, float q) {
		baseR = materials[m];
		baseG = materials[m + 1];
		baseB = materials[m + 2];
		metallic = materials[m + 7];
		roughness = materials[m + 8];
		specular = materials[m + 9];
		int baseTexture = (int) materials[m + 12];
		if (baseTexture >= 0) {
			Texels.sample(scene.texels, scene.textures, baseTexture, s, q, texel);
			baseR *= texel[0];
			baseG *= texel[1];
			baseB *= texel[2];
		}
		int metallicRoughness = (int) materials[m + 13];
		if (metallicRoughness >= 0) {
			Texels.sample(scene.texels, scene.textures, metallicRoughness, s, q, texel);
			roughness *= texel[1];
			metallic *= texel[2];
		}
	}

	/** The emitted radiance of material m at texture coordinates (s, q), into texel[0..2]. */
	private void emission(int m, float s, float q) {
		texel[0] = materials[m + 4];
		texel[1] = materials[m + 5];
		texel[2] = materials[m + 6];
		int texture = (int) materials[m + 15];
		if (texture >= 0 && (texel[0] > 0 || texel[1] > 0 || texel[2] > 0)) {
			float r = texel[0], g = texel[1], b = texel[2];
			Texels.sample(scene.texels, scene.textures, texture, s, q, texel);
			texel[0] *= r;
			texel[1] *= g;
			texel[2] *= b;
		}
	}

	/** Next-event estimation at the current vertex (out direction v in the shading frame) into the direct fields. */
	private void directLight(float vx, float vy, float vz) {
		directR = directG = directB = 0;
		float offset = offset(px, py, pz);
		float ox = px + gx * offset;
		float oy = py + gy * offset;
		float oz = pz + gz * offset;
		int lights = scene.lightCount();
		if (lights > 0) {
			if (lights <= ALL_PUNCTUAL_LIGHTS) {
				for (int l = 0; l < lights; l++) {
					punctualLight(l, 1, ox, oy, oz, vx, vy, vz);
				}
			} else {
				punctualLight(Math.min((int) (rng.nextFloat() * lights), lights - 1), lights, ox, oy, oz, vx, vy, vz);
			}
		}
		if (scene.emitters.length > 0) {
			areaLight(ox, oy, oz, vx, vy, vz);
		}
		if (environment.sampled()) {
			environment.sample(rng.nextFloat(), rng.nextFloat());
			float lightPdf = environment.pdf;
			if (lightPdf > 0 && evaluate(environment.x, environment.y, environment.z, vx, vy, vz)) {
				float weight = powerHeuristic(lightPdf, bsdf.pdf) / lightPdf;
				addIfVisible(ox, oy, oz, environment.x, environment.y, environment.z, Float.POSITIVE_INFINITY, environment.r * weight, environment.g * weight,
						environment.b * weight);
			}
		}
	}

	private void punctualLight(int l, float scale, float ox, float oy, float oz, float vx, float vy, float vz) {
		float[] lights = scene.lights;
		int o = l * FlatScene.LIGHT_STRIDE;
		int type = (int) lights[o];
		float wx, wy, wz;
		float distance = Float.POSITIVE_INFINITY;
		float attenuation = scale;
		if (type == 2) {
			wx = -lights[o + 8];
			wy = -lights[o + 9];
			wz = -lights[o + 10];
		} else {
			wx = lights[o + 4] - ox;
			wy = lights[o + 5] - oy;
			wz = lights[o + 6] - oz;
			float d2 = wx * wx + wy * wy + wz * wz;
			distance = (float) Math.sqrt(d2);
			wx /= distance;
			wy /= distance;
			wz /= distance;
			attenuation /= d2;
			float range = lights[o + 7];
			if (range > 0) {
				float ratio = distance / range;
				float r2 = ratio * ratio;
				attenuation *= Math.max(Math.min(1 - r2 * r2, 1), 0);
			}
			if (type == 1) {
				float cos = -(lights[o + 8] * wx + lights[o + 9] * wy + lights[o + 10] * wz);
				float cone = Math.clamp(cos * lights[o + 11] + lights[o + 12], 0f, 1f);
				attenuation *= cone * cone;
			}
		}
		if (attenuation > 0 && evaluate(wx, wy, wz, vx, vy, vz)) {
			addIfVisible(ox, oy, oz, wx, wy, wz, distance, lights[o + 1] * attenuation, lights[o + 2] * attenuation, lights[o + 3] * attenuation);
		}
	}

	private void areaLight(float ox, float oy, float oz, float vx, float vy, float vz) {
		int[] emitters = scene.emitters;
		int t = emitters[Distributions.find(scene.emitterCdf, 0, emitters.length, rng.nextFloat())];
		float root = (float) Math.sqrt(rng.nextFloat());
		float u = rng.nextFloat() * root;
		float v = 1 - root;
		float w = 1 - u - v;
		int o = 9 * t;
		float[] p = triangles;
		float qx = w * p[o] + u * p[o + 3] + v * p[o + 6];
		float qy = w * p[o + 1] + u * p[o + 4] + v * p[o + 7];
		float qz = w * p[o + 2] + u * p[o + 5] + v * p[o + 8];
		float e1x = p[o + 3] - p[o], e1y = p[o + 4] - p[o + 1], e1z = p[o + 5] - p[o + 2];
		float e2x = p[o + 6] - p[o], e2y = p[o + 7] - p[o + 1], e2z = p[o + 8] - p[o + 2];
		float lx = e1y * e2z - e1z * e2y;
		float ly = e1z * e2x - e1x * e2z;
		float lz = e1x * e2y - e1y * e2x;
		float wx = qx - ox, wy = qy - oy, wz = qz - oz;
		float d2 = wx * wx + wy * wy + wz * wz;
		float distance = (float) Math.sqrt(d2);
		wx /= distance;
		wy /= distance;
		wz /= distance;
		int m = scene.triangleMaterials[t] * FlatScene.MATERIAL_STRIDE;
		float cosLight = -(lx * wx + ly * wy + lz * wz) / (float) Math.sqrt(lx * lx + ly * ly + lz * lz);
		if (materials[m + 11] != 0) {
			cosLight = Math.abs(cosLight);
		}
		if (!(cosLight > 0) || !evaluate(wx, wy, wz, vx, vy, vz)) {
			return;
		}
		float lightPdf = materials[m + 16] * d2 / cosLight;
		float weight = powerHeuristic(lightPdf, bsdf.pdf) / lightPdf;
		int i0 = scene.triangleVertices[3 * t];
		int i1 = scene.triangleVertices[3 * t + 1];
		int i2 = scene.triangleVertices[3 * t + 2];
		float[] uvs = scene.texcoords;
		emission(m, w * uvs[2 * i0] + u * uvs[2 * i1] + v * uvs[2 * i2], w * uvs[2 * i0 + 1] + u * uvs[2 * i1 + 1] + v * uvs[2 * i2 + 1]);
		addIfVisible(ox, oy, oz, wx, wy, wz, distance - offset(qx, qy, qz), texel[0] * weight, texel[1] * weight, texel[2] * weight);
	}

	/** The BSDF for world direction w into bsdf's value and pdf; false when w is below the geometric surface or reflects nothing. */
	private boolean evaluate(float wx, float wy, float wz, float vx, float vy, float vz) {
		if (wx * gx + wy * gy + wz * gz <= 0) {
			return false;
		}
		bsdf.eval(vx, vy, vz, wx * tx + wy * ty + wz * tz, wx * bx + wy * by + wz * bz, wx * nx + wy * ny + wz * nz);
		return bsdf.valueR > 0 || bsdf.valueG > 0 || bsdf.valueB > 0;
	}

	/** Adds bsdf value × (r, g, b) to the direct light unless the shadow ray finds something before tMax. */
	private void addIfVisible(float ox, float oy, float oz, float wx, float wy, float wz, float tMax, float r, float g, float b) {
		totalRays++;
		if (!intersector.anyHit(ox, oy, oz, wx, wy, wz, tMax)) {
			directR += bsdf.valueR * r;
			directG += bsdf.valueG * g;
			directB += bsdf.valueB * b;
		}
	}

	private static float powerHeuristic(float chosen, float other) {
		float a = chosen * chosen;
		return a / (a + other * other);
	}

	private static float offset(float x, float y, float z) {
		return RAY_OFFSET * (1 + Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z))));
	}
}
