// A path-traced image (linear radiance, rows from the top) shown over the whole viewport.
in vec2 vScreen;
out vec4 fragColor;

uniform sampler2D uImage;

void main() {
	vec3 radiance = texture(uImage, vec2(vScreen.x, 1.0 - vScreen.y)).rgb;
	fragColor = vec4(display(radiance), 1.0);
}
