// glTF 2.0 metallic-roughness shading: punctual lights (KHR_lights_punctual) plus image-based lighting by the
// split sum (prefiltered environment × BRDF lookup table) and SH9 irradiance. The BRDF is the path tracer's:
// Lambert diffuse weighted by what the dielectric specular lobe leaves (1 − s·E(n·v, r)), GGX with Smith's
// height-correlated visibility, Schlick's Fresnel with F0 = mix(0.04·s, c, m) and F90 = mix(s, 1, m).
in vec3 vPosition;
in vec3 vNormal;
in vec2 vTexcoord;
in vec4 vTangent;
out vec4 fragColor;

const int MAX_LIGHTS = 16;

uniform vec3 uEye;

uniform vec4 uBaseColor;
uniform float uMetallic;
uniform float uRoughness;
uniform float uSpecular;
uniform float uNormalScale;
uniform float uOcclusionStrength;
uniform vec3 uEmissive;
uniform bool uHasNormalTexture;
uniform sampler2D uBaseColorTexture;
uniform sampler2D uMetallicRoughnessTexture;
uniform sampler2D uNormalTexture;
uniform sampler2D uOcclusionTexture;
uniform sampler2D uEmissiveTexture;

uniform samplerCube uPrefiltered;
uniform float uPrefilteredMaxLevel;
uniform sampler2D uBrdfLut;
uniform vec3 uIrradianceSh[9];

uniform int uLightCount;
uniform int uLightType[MAX_LIGHTS];      // 0 point, 1 spot, 2 directional, 3 surface (an emissive panel)
uniform vec3 uLightRadiance[MAX_LIGHTS]; // colour × intensity
uniform vec3 uLightPosition[MAX_LIGHTS];
uniform vec3 uLightDirection[MAX_LIGHTS]; // the way the light travels; a surface light's normal
uniform float uLightRange[MAX_LIGHTS];
uniform vec2 uLightCone[MAX_LIGHTS];     // spot: cos θ × scale + offset; surface: x = 1 when double-sided

// The first directional light casts shadows from a depth map of the scene seen along it (orthographic).
uniform int uShadowLight;                // its index, or −1
uniform mat4 uShadowMatrix;              // world → shadow map texture coordinates and depth
uniform sampler2DShadow uShadowMap;
uniform float uShadowTexel;              // one texel of the map, in world units

// The lit fraction of a 3 × 3 texel neighbourhood (each lookup a bilinear 2 × 2 comparison), looked up from a point
// pushed off the surface along its normal by a texel and a half, so that surfaces do not shadow themselves.
float shadow(vec3 n, vec3 l) {
	vec3 p = vPosition + n * (1.5 * uShadowTexel);
	vec4 s = uShadowMatrix * vec4(p, 1.0);
	vec3 c = s.xyz / s.w;
	if (c.z >= 1.0) {
		return 1.0;
	}
	vec2 texel = vec2(1.0) / vec2(textureSize(uShadowMap, 0));
	float lit = 0.0;
	for (int y = -1; y <= 1; y++) {
		for (int x = -1; x <= 1; x++) {
			lit += texture(uShadowMap, vec3(c.xy + vec2(x, y) * texel, c.z - 0.0005));
		}
	}
	return lit / 9.0;
}

// Irradiance from the SH9 projection of the environment radiance, convolved with the clamped cosine.
vec3 irradiance(vec3 n) {
	const float a0 = PI;
	const float a1 = 2.0 * PI / 3.0;
	const float a2 = PI / 4.0;
	vec3 e = uIrradianceSh[0] * (0.282095 * a0);
	e += uIrradianceSh[1] * (0.488603 * n.y * a1);
	e += uIrradianceSh[2] * (0.488603 * n.z * a1);
	e += uIrradianceSh[3] * (0.488603 * n.x * a1);
	e += uIrradianceSh[4] * (1.092548 * n.x * n.y * a2);
	e += uIrradianceSh[5] * (1.092548 * n.y * n.z * a2);
	e += uIrradianceSh[6] * (0.315392 * (3.0 * n.z * n.z - 1.0) * a2);
	e += uIrradianceSh[7] * (1.092548 * n.x * n.z * a2);
	e += uIrradianceSh[8] * (0.546274 * (n.x * n.x - n.y * n.y) * a2);
	return max(e, vec3(0.0));
}

vec3 shadingNormal(vec3 n) {
	if (!uHasNormalTexture) {
		return n;
	}
	vec3 t;
	vec3 b;
	if (vTangent.w != 0.0) {
		t = normalize(vTangent.xyz - n * dot(n, vTangent.xyz));
		b = cross(n, t) * sign(vTangent.w);
	} else {
		// no tangents: the frame of ∂p/∂u and −∂p/∂v (glTF's v runs down the image) from screen derivatives
		vec3 q1 = dFdx(vPosition);
		vec3 q2 = dFdy(vPosition);
		vec2 st1 = dFdx(vTexcoord);
		vec2 st2 = dFdy(vTexcoord);
		float det = st1.x * st2.y - st2.x * st1.y;
		if (abs(det) < 1e-12) {
			return n;
		}
		vec3 dpdu = (st2.y * q1 - st1.y * q2) / det;
		vec3 dpdv = (st1.x * q2 - st2.x * q1) / det;
		t = dpdu - n * dot(n, dpdu);
		b = -dpdv + n * dot(n, dpdv);
		if (dot(t, t) < 1e-20 || dot(b, b) < 1e-20) {
			return n;
		}
		t = normalize(t);
		b = normalize(b);
	}
	vec3 m = texture(uNormalTexture, vTexcoord).xyz * 2.0 - 1.0;
	m.xy *= uNormalScale;
	return normalize(mat3(t, b, n) * m);
}

void main() {
	vec4 base = uBaseColor * texture(uBaseColorTexture, vTexcoord);
	vec4 mr = texture(uMetallicRoughnessTexture, vTexcoord);
	float metallic = clamp(uMetallic * mr.b, 0.0, 1.0);
	float roughness = clamp(uRoughness * mr.g, 0.0, 1.0);
	float occlusion = 1.0 + uOcclusionStrength * (texture(uOcclusionTexture, vTexcoord).r - 1.0);
	vec3 emissive = uEmissive * texture(uEmissiveTexture, vTexcoord).rgb;

	vec3 v = normalize(uEye - vPosition);
	vec3 geometric = normalize(vNormal);
	if (!gl_FrontFacing) {
		geometric = -geometric;
	}
	vec3 n = shadingNormal(geometric);
	float nv = max(dot(n, v), 1e-4);

	vec3 c = base.rgb;
	float s = uSpecular;
	vec3 f0 = mix(vec3(0.04 * s), c, metallic);
	vec3 f90 = mix(vec3(s), vec3(1.0), metallic);
	float alpha = max(roughness * roughness, 1e-3);
	float alpha2 = alpha * alpha;
	vec2 lut = texture(uBrdfLut, vec2(nv, roughness)).rg;
	float dielectricAlbedo = 0.04 * lut.x + lut.y;
	vec3 diffuse = c * (1.0 - metallic) * (1.0 - s * dielectricAlbedo);

	vec3 color = vec3(0.0);
	for (int i = 0; i < uLightCount; i++) {
		vec3 l;
		float attenuation = 1.0;
		if (uLightType[i] == 2) {
			l = -uLightDirection[i];
		} else {
			vec3 toLight = uLightPosition[i] - vPosition;
			float d2 = max(dot(toLight, toLight), 1e-8);
			float d = sqrt(d2);
			l = toLight / d;
			attenuation = 1.0 / d2;
			if (uLightRange[i] > 0.0) {
				float r = d / uLightRange[i];
				attenuation *= clamp(1.0 - r * r * r * r, 0.0, 1.0);
			}
			if (uLightType[i] == 1) {
				float cone = clamp(dot(uLightDirection[i], -l) * uLightCone[i].x + uLightCone[i].y, 0.0, 1.0);
				attenuation *= cone * cone;
			} else if (uLightType[i] == 3) {
				float facing = dot(uLightDirection[i], -l);
				attenuation *= uLightCone[i].x > 0.5 ? abs(facing) : max(facing, 0.0);
			}
		}
		float nl = dot(n, l);
		if (nl <= 0.0 || attenuation <= 0.0) {
			continue;
		}
		if (i == uShadowLight) {
			attenuation *= shadow(geometric, l);
			if (attenuation <= 0.0) {
				continue;
			}
		}
		vec3 h = normalize(l + v);
		float nh = max(dot(n, h), 0.0);
		float vh = max(dot(v, h), 0.0);
		float dd = nh * nh * (alpha2 - 1.0) + 1.0;
		float D = alpha2 / (PI * dd * dd);
		float vis = 0.5 / (nl * sqrt(nv * nv * (1.0 - alpha2) + alpha2) + nv * sqrt(nl * nl * (1.0 - alpha2) + alpha2));
		float w = pow(1.0 - vh, 5.0);
		vec3 F = f0 + (f90 - f0) * w;
		color += (diffuse / PI + F * (D * vis)) * uLightRadiance[i] * (attenuation * nl);
	}

	vec3 r = reflect(-v, n);
	vec3 specularLight = textureLod(uPrefiltered, r, roughness * uPrefilteredMaxLevel).rgb;
	vec3 ambient = diffuse * irradiance(n) / PI + specularLight * (f0 * lut.x + f90 * lut.y);
	color += ambient * occlusion + emissive;
	fragColor = vec4(display(color), 1.0);
}
