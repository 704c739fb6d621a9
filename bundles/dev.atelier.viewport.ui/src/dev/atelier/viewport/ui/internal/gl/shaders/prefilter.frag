// One level of the prefiltered specular environment: the environment convolved with the GGX lobe of this level's
// roughness, with the view direction taken equal to the normal and the reflection direction (split-sum's
// approximation). Importance-sampled by the GGX distribution; each sample reads a blurrier level of the source where
// its pdf is low (filtered importance sampling), so few samples give a smooth result.
in vec2 vScreen;
out vec4 fragColor;

uniform samplerCube uSource;
uniform int uFace;
uniform float uRoughness;
uniform float uSourceSize;
uniform int uSamples;

float radicalInverse(uint bits) {
	bits = (bits << 16u) | (bits >> 16u);
	bits = ((bits & 0x55555555u) << 1u) | ((bits & 0xAAAAAAAAu) >> 1u);
	bits = ((bits & 0x33333333u) << 2u) | ((bits & 0xCCCCCCCCu) >> 2u);
	bits = ((bits & 0x0F0F0F0Fu) << 4u) | ((bits & 0xF0F0F0F0u) >> 4u);
	bits = ((bits & 0x00FF00FFu) << 8u) | ((bits & 0xFF00FF00u) >> 8u);
	return float(bits) * 2.3283064365386963e-10;
}

void main() {
	vec3 n = cubeDirection(uFace, vScreen);
	if (uRoughness <= 0.0) {
		fragColor = vec4(textureLod(uSource, n, 0.0).rgb, 1.0);
		return;
	}
	vec3 helper = abs(n.z) < 0.999 ? vec3(0.0, 0.0, 1.0) : vec3(1.0, 0.0, 0.0);
	vec3 tangent = normalize(cross(helper, n));
	vec3 bitangent = cross(n, tangent);
	float alpha = max(uRoughness * uRoughness, 1e-3);
	float alpha2 = alpha * alpha;
	// solid angle of one texel of the source's sharpest level
	float texelSolidAngle = 4.0 * PI / (6.0 * uSourceSize * uSourceSize);
	vec3 sum = vec3(0.0);
	float weight = 0.0;
	for (int i = 0; i < uSamples; i++) {
		float u1 = (float(i) + 0.5) / float(uSamples);
		float u2 = radicalInverse(uint(i));
		float cosTheta = sqrt((1.0 - u1) / (1.0 + (alpha2 - 1.0) * u1));
		float sinTheta = sqrt(1.0 - cosTheta * cosTheta);
		float phi = 2.0 * PI * u2;
		vec3 h = tangent * (sinTheta * cos(phi)) + bitangent * (sinTheta * sin(phi)) + n * cosTheta;
		vec3 l = 2.0 * dot(n, h) * h - n;
		float nl = dot(n, l);
		if (nl > 0.0) {
			float nh = cosTheta;
			float d = nh * nh * (alpha2 - 1.0) + 1.0;
			float D = alpha2 / (PI * d * d);
			float pdf = D / 4.0; // D nh / (4 vh), with v = n so vh = nh
			float sampleSolidAngle = 1.0 / (float(uSamples) * pdf + 1e-6);
			float level = max(0.5 * log2(sampleSolidAngle / texelSolidAngle) + 1.0, 0.0);
			sum += textureLod(uSource, l, level).rgb * nl;
			weight += nl;
		}
	}
	fragColor = vec4(sum / max(weight, 1e-6), 1.0);
}
