// Shared by every program: constants, the cube-map face directions, and the display transform.
const float PI = 3.14159265358979;

// The direction through texel (s, t) in [0, 1]² of cube face `face` (GL's +X, −X, +Y, −Y, +Z, −Z order),
// as OpenGL's cube-map lookup defines it; CubeFaces.direction is the same on the CPU.
vec3 cubeDirection(int face, vec2 st) {
	float u = 2.0 * st.x - 1.0;
	float v = 2.0 * st.y - 1.0;
	vec3 d;
	if (face == 0) d = vec3(1.0, -v, -u);
	else if (face == 1) d = vec3(-1.0, -v, u);
	else if (face == 2) d = vec3(u, 1.0, v);
	else if (face == 3) d = vec3(u, -1.0, -v);
	else if (face == 4) d = vec3(u, -v, 1.0);
	else d = vec3(-u, -v, -1.0);
	return normalize(d);
}

uniform float uExposure;

// Linear radiance to display sRGB: exposure in stops, Narkowicz's ACES fit, the sRGB transfer function; the same
// as the path tracer's Tonemap with the ACES curve.
vec3 display(vec3 radiance) {
	vec3 x = max(radiance * exp2(uExposure), vec3(0.0));
	x = clamp(x * (2.51 * x + 0.03) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
	vec3 lo = 12.92 * x;
	vec3 hi = 1.055 * pow(x, vec3(1.0 / 2.4)) - 0.055;
	return mix(hi, lo, vec3(lessThanEqual(x, vec3(0.0031308))));
}
