// The shadow map pass: depth only.
void main() {
}
