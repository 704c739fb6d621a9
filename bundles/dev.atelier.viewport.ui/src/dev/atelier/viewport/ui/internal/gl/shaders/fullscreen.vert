// One triangle that covers the viewport; no vertex buffer (an empty vertex array is bound).
out vec2 vScreen;

void main() {
	vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
	vScreen = p;
	gl_Position = vec4(p * 2.0 - 1.0, 1.0, 1.0);
}
