// Meshes are in world space already: only the view and projection remain.
layout(location = 0) in vec3 aPosition;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec2 aTexcoord;
layout(location = 3) in vec4 aTangent;

uniform mat4 uViewProjection;

out vec3 vPosition;
out vec3 vNormal;
out vec2 vTexcoord;
out vec4 vTangent;

void main() {
	vPosition = aPosition;
	vNormal = aNormal;
	vTexcoord = aTexcoord;
	vTangent = aTangent;
	gl_Position = uViewProjection * vec4(aPosition, 1.0);
}
