import java.nio.file.Path;
import java.util.Random;

import dev.atelier.compute.internal.ComputeRuntimeService;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.Placement;

/**
 * The GPU engine against the CPU engine on one GGUF file (releng/gpu/llm.sh check): the logits of a prompt run as one
 * batch (prefill) and one token at a time (decode) on both devices. Decode multiplies quantised weights with 8-bit
 * activations on both engines (as llama.cpp does), so the GPU's decode is checked against the CPU's; the GPU's prefill
 * multiplies F16 activations (tensor cores), so it is checked against the CPU's prefill with float activations (its
 * native int8 kernels off). Prints relative RMS and top-1 agreement; exits non-zero beyond the tolerance (default
 * 2e-2: F16 activations in tensor-core tiles on one side, F32 on the other), or where the GPU's decode drifts from its
 * prefill by more than the tolerance or 1.25 × the CPU's own drift (8-bit against float activations, which 16 random
 * layers amplify). Then continuous batching on the device: {@value #SEQUENCES} sequences of tokens of their own decoded
 * in one batch (each in its cache slot) against each decoded alone there, within the tolerance (a batch multiplies as
 * a prompt batch does, one token alone as a decode step does).
 *   LlmCheck MODEL.gguf DEVICE [PROMPT_TOKENS] [TOLERANCE]
 */
public final class LlmCheck {

	private static final int SEQUENCES = 4;

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]);
		String device = args[1];
		int n = args.length > 2 ? Integer.parseInt(args[2]) : 48;
		double tolerance = args.length > 3 ? Double.parseDouble(args[3]) : 2e-2;
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.llm");
		ComputeRuntimeService runtime = new ComputeRuntimeService();
		int threads = Runtime.getRuntime().availableProcessors();
		int[] tokens = new Random(7).ints(n, 3, 32000).toArray();
		float[][] cpuDecode;
		try (EmbeddedModel m = EmbeddedModel.open(model, new Placement(devices, runtime, "cpu", 0, threads, s -> {
		}), n)) {
			cpuDecode = decoded(m, tokens);
		}
		float[][] cpuPrefill;
		System.setProperty("atelier.compute.cpu.native", "false");
		try (EmbeddedModel m = EmbeddedModel.open(model, new Placement(devices, runtime, "cpu", 0, threads, s -> {
		}), n)) {
			cpuPrefill = allLogits(m, tokens);
		} finally {
			System.clearProperty("atelier.compute.cpu.native");
		}
		float[][] gpuPrefill;
		float[][] gpuDecode;
		double batched = 0;
		int batchedAgree = 0;
		try (EmbeddedModel m = EmbeddedModel.open(model, new Placement(devices, runtime, device, Placement.AUTO_LAYERS, threads,
				s -> System.out.println("  placement: " + s)), n, SEQUENCES)) {
			gpuPrefill = allLogits(m, tokens);
			gpuDecode = decoded(m, tokens);
			float[][][] alone = new float[SEQUENCES][][];
			int[][] streams = new int[SEQUENCES][];
			for (int s = 0; s < SEQUENCES; s++) {
				streams[s] = new Random(100 + s).ints(n, 3, 32000).toArray();
				alone[s] = decoded(m, streams[s]);
			}
			float[][][] together = new float[SEQUENCES][n][];
			int[] slots = java.util.stream.IntStream.range(0, SEQUENCES).toArray();
			for (int i = 0; i < n; i++) {
				int pos = i;
				int[] positions = new int[SEQUENCES];
				java.util.Arrays.fill(positions, pos);
				m.llama().decode(slots, java.util.Arrays.stream(streams).mapToInt(t -> t[pos]).toArray(), positions);
				for (int s = 0; s < SEQUENCES; s++) {
					together[s][i] = m.llama().logits(s).clone();
				}
			}
			for (int s = 0; s < SEQUENCES; s++) {
				batched = Math.max(batched, rms(together[s], alone[s]));
				batchedAgree += agree(together[s], alone[s]);
			}
		}
		double prefill = rms(gpuPrefill, cpuPrefill);
		double decode = rms(gpuDecode, cpuDecode);
		double drift = rms(gpuDecode, gpuPrefill);
		double cpuDrift = rms(cpuDecode, cpuPrefill);
		String name = model.getFileName().toString();
		System.out.printf("%-22s %s vs cpu: prefill relative RMS %.2e (top-1 %d/%d), decode %.2e (top-1 %d/%d); decode vs prefill %.2e "
				+ "(top-1 %d/%d; the CPU's own %.2e)%n", name, device, prefill, agree(gpuPrefill, cpuPrefill), n, decode,
				agree(gpuDecode, cpuDecode), n, drift, agree(gpuDecode, gpuPrefill), n, cpuDrift);
		System.out.printf("%-22s %s: %d sequences decoded together vs alone: relative RMS %.2e at most (top-1 %d/%d)%n", name, device, SEQUENCES,
				batched, batchedAgree, SEQUENCES * n);
		if (!(prefill <= tolerance && decode <= tolerance && drift <= Math.max(tolerance, 1.25 * cpuDrift) && batched <= tolerance)) {
			System.out.println("LLM CHECK FAILED: " + name);
			System.exit(1);
		}
	}

	private static float[][] decoded(EmbeddedModel m, int[] tokens) {
		float[][] out = new float[tokens.length][];
		for (int i = 0; i < tokens.length; i++) {
			out[i] = m.llama().forward(tokens[i], i).clone();
		}
		return out;
	}

	private static float[][] allLogits(EmbeddedModel m, int[] tokens) {
		float[][] out = new float[tokens.length][];
		m.llama().forward(tokens, 0, 0, (i, logits) -> out[i] = logits.clone());
		return out;
	}

	private static double rms(float[][] a, float[][] reference) {
		double diff = 0;
		double norm = 0;
		for (int i = 0; i < a.length; i++) {
			for (int j = 0; j < a[i].length; j++) {
				double d = a[i][j] - reference[i][j];
				diff += d * d;
				norm += (double) reference[i][j] * reference[i][j];
			}
		}
		return Math.sqrt(diff / norm);
	}

	private static int agree(float[][] a, float[][] b) {
		int same = 0;
		for (int i = 0; i < a.length; i++) {
			same += argmax(a[i]) == argmax(b[i]) ? 1 : 0;
		}
		return same;
	}

	private static int argmax(float[] v) {
		int best = 0;
		for (int i = 1; i < v.length; i++) {
			if (v[i] > v[best]) {
				best = i;
			}
		}
		return best;
	}
}
