// The environment behind the scene: the cube map's sharpest level in the direction through the pixel.
in vec2 vScreen;
out vec4 fragColor;

uniform mat4 uInverseViewProjection;
uniform samplerCube uEnvironment;
uniform bool uHasEnvironment;

void main() {
	vec4 far = uInverseViewProjection * vec4(vScreen * 2.0 - 1.0, 1.0, 1.0);
	vec4 near = uInverseViewProjection * vec4(vScreen * 2.0 - 1.0, -1.0, 1.0);
	vec3 direction = normalize(far.xyz / far.w - near.xyz / near.w);
	vec3 radiance = uHasEnvironment ? textureLod(uEnvironment, direction, 0.0).rgb : vec3(0.0);
	fragColor = vec4(display(radiance), 1.0);
}
