package dev.atelier.diffusion.internal.pipeline;

/**
 * The normal noise of PyTorch's CPU generator for a seed: {@code torch.manual_seed(seed); torch.randn(n)}, so that a
 * seed gives the same starting latents as diffusers with a CPU generator and AUTOMATIC1111's "CPU" RNG setting
 * (equal to within float rounding of log and cos). Written here because no Java library reproduces it: a 32-bit
 * Mersenne Twister, uniforms from its low 24 bits, Box–Muller over blocks of 16.
 */
public final class TorchRandom {

	private static final int N = 624;
	private static final int M = 397;
	private final int[] mt = new int[N];
	private int index;

	public TorchRandom(long seed) {
		mt[0] = (int) seed;
		for (int i = 1; i < N; i++) {
			mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
		}
		index = N;
	}

	/** The next 32 bits of the generator. */
	public int nextInt() {
		if (index >= N) {
			twist();
		}
		int y = mt[index++];
		y ^= y >>> 11;
		y ^= (y << 7) & 0x9d2c5680;
		y ^= (y << 15) & 0xefc60000;
		return y ^ (y >>> 18);
	}

	private void twist() {
		for (int i = 0; i < N; i++) {
			int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
			int next = mt[(i + M) % N] ^ (y >>> 1);
			mt[i] = (y & 1) != 0 ? next ^ 0x9908b0df : next;
		}
		index = 0;
	}

	private float uniform() {
		return (nextInt() & ((1 << 24) - 1)) * 0x1p-24f;
	}

	/** Fills {@code out[offset, offset + length)} with standard normal samples as {@code torch.randn(length)} would; length ≥ 16. */
	public void fillNormal(float[] out, int offset, int length) {
		if (length < 16) {
			throw new IllegalArgumentException("torch's block algorithm needs at least 16 values, not " + length);
		}
		for (int i = 0; i < length; i++) {
			out[offset + i] = uniform();
		}
		for (int i = 0; i + 16 <= length; i += 16) {
			boxMuller16(out, offset + i);
		}
		if (length % 16 != 0) {
			// like torch: the tail is the last 16 values drawn afresh
			int tail = offset + length - 16;
			for (int i = 0; i < 16; i++) {
				out[tail + i] = uniform();
			}
			boxMuller16(out, tail);
		}
	}

	private static void boxMuller16(float[] data, int at) {
		for (int j = 0; j < 8; j++) {
			float u1 = 1 - data[at + j];
			float u2 = data[at + j + 8];
			float radius = (float) Math.sqrt(-2 * (float) Math.log(u1));
			float theta = 2.0f * (float) Math.PI * u2;
			data[at + j] = radius * (float) Math.cos(theta);
			data[at + j + 8] = radius * (float) Math.sin(theta);
		}
	}
}
