package dev.atelier.diffusion.exec;

/**
 * Where and how a graph runs.
 *
 * @param kind          CPU or a CUDA device
 * @param deviceIndex   the CUDA device ordinal (0 for the CPU)
 * @param threads       intra-op threads on the CPU; 0 lets the executor choose
 * @param memoryLimit   the most device memory the graph's arena may take, in bytes (the VRAM lease); 0 for no limit
 */
public record Placement(Kind kind, int deviceIndex, int threads, long memoryLimit) {

	public enum Kind {
		CPU, CUDA
	}

	public static Placement cpu(int threads) {
		return new Placement(Kind.CPU, 0, threads, 0);
	}
}
