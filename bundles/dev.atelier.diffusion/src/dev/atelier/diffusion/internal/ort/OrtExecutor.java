package dev.atelier.diffusion.internal.ort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.GraphSession;
import dev.atelier.diffusion.exec.Placement;

/**
 * ONNX Runtime: its CPU execution provider always, its CUDA provider where the {@code onnxruntime_gpu} build and
 * CUDA 12 libraries are installed.
 */
public final class OrtExecutor implements GraphExecutor {

	@Override
	public String name() {
		return "onnxruntime " + OrtEnvironment.getEnvironment().getVersion();
	}

	@Override
	public Set<Placement.Kind> kinds() {
		Set<Placement.Kind> kinds = EnumSet.of(Placement.Kind.CPU);
		if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
			kinds.add(Placement.Kind.CUDA);
		}
		return kinds;
	}

	@Override
	public GraphSession open(Path model, Placement placement) throws IOException {
		if (!Files.isRegularFile(model)) {
			throw new IOException(model + ": no such model file");
		}
		if (placement.kind() == Placement.Kind.CUDA && !kinds().contains(Placement.Kind.CUDA)) {
			throw new IOException("ONNX Runtime's CUDA execution provider is not installed (it needs the onnxruntime_gpu build"
					+ " and CUDA 12 libraries); run on the CPU instead");
		}
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
			options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
			options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
			// 0 = ONNX Runtime's own choice: one thread per physical core
			options.setIntraOpNumThreads(Math.max(0, placement.threads()));
			options.setInterOpNumThreads(1);
			// ONNX Runtime's CPU arena grows by powers of two and keeps its peak for the session's life: with the tiny
			// pipeline's 512x512 batch of 4 the process stayed near 5 GB resident; without it freed activations go back
			options.setCPUArenaAllocator(false);
			if (placement.kind() == Placement.Kind.CUDA) {
				try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(placement.deviceIndex())) {
					if (placement.memoryLimit() > 0) {
						cuda.add("gpu_mem_limit", Long.toString(placement.memoryLimit()));
					}
					cuda.add("arena_extend_strategy", "kSameAsRequested");
					options.addCUDA(cuda);
				}
			}
			return new OrtGraphSession(model, env.createSession(model.toString(), options));
		} catch (OrtException e) {
			throw new IOException(model + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
		}
	}
}
