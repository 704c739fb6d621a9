package dev.atelier.llm.internal;

import java.lang.foreign.MemorySegment;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import dev.atelier.cli.Subcommand;
import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.llm.internal.cli.LlmCommand;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.LlamaConfig;
import dev.atelier.llm.internal.engine.LlamaWeights;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.testing.Services;

/** The engine on the CPU device through the real device service and compute runtime, as the product runs it. */
final class Engines {

	private Engines() {
	}

	private static <S> S service(Class<S> type) {
		try {
			return Services.await(Engines.class, type);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	/** Everything on the CPU, on {@code threads} threads. */
	static Placement cpu(int threads) {
		return new Placement(service(DeviceService.class), service(ComputeRuntime.class), "cpu", Placement.AUTO_LAYERS, threads, note -> {
		});
	}

	/** {@code device} with {@code gpuLayers} (or {@link Placement#AUTO_LAYERS}), each choice handed to {@code notes}. */
	static Placement on(String device, int gpuLayers, java.util.function.Consumer<String> notes) {
		return new Placement(service(DeviceService.class), service(ComputeRuntime.class), device, gpuLayers, 1, notes);
	}

	/** The layers split across {@code list} ({@code --devices}), each choice handed to {@code notes}. */
	static Placement across(String list, java.util.function.Consumer<String> notes) {
		return new Placement(devices(), runtime(), list, Placement.SPLIT_LAYERS, 1, notes);
	}

	static DeviceService devices() {
		return service(DeviceService.class);
	}

	static ComputeRuntime runtime() {
		return service(ComputeRuntime.class);
	}

	/** The {@code atelier llm} command as the framework made it, with its services. */
	static LlmCommand llmCommand() {
		return command(LlmCommand.class);
	}

	/** The subcommand of {@code type} as the framework made it, with its services. */
	static <T extends Subcommand> T command(Class<T> type) {
		BundleContext context = FrameworkUtil.getBundle(Engines.class).getBundleContext();
		long deadline = System.nanoTime() + Services.DEFAULT_TIMEOUT_MS * 1_000_000;
		try {
			do {
				for (ServiceReference<Subcommand> reference : context.getServiceReferences(Subcommand.class, null)) {
					if (type.isInstance(context.getService(reference))) {
						return type.cast(context.getService(reference));
					}
				}
				Thread.sleep(20);
			} while (System.nanoTime() < deadline);
		} catch (InvalidSyntaxException | InterruptedException e) {
			throw new IllegalStateException(e);
		}
		throw new AssertionError("no " + type.getSimpleName() + " Subcommand service within " + Services.DEFAULT_TIMEOUT_MS + " ms");
	}

	static Llama llama(LlamaConfig config, LlamaWeights weights, int threads) {
		return cpu(threads).open("test", config, weights, config.contextLength());
	}

	/** Every row of a matrix as floats, through the compute's getRows. */
	static float[] decode(LlamaWeights.Matrix m) {
		DeviceService devices = service(DeviceService.class);
		long bytes = m.bytes() + 8L * m.rows() * m.cols() + 4L * m.rows();
		try (VramLease lease = devices.acquire("cpu", LeaseRequest.of("test decode", bytes)); ComputeContext context = devices.openContext(lease);
				Compute compute = service(ComputeRuntime.class).open(context, 1)) {
			Tensor table = compute.upload(m.type(), m.rows(), m.cols(), m.data());
			int[] all = java.util.stream.IntStream.range(0, m.rows()).toArray();
			Tensor ids = compute.allocate(TensorType.I32, 1, m.rows());
			ids.write(MemorySegment.ofArray(all));
			Tensor out = compute.allocate(TensorType.F32, m.rows(), m.cols());
			compute.getRows(table, ids, out);
			float[] values = new float[m.rows() * m.cols()];
			out.read(MemorySegment.ofArray(values));
			return values;
		} catch (Exception e) {
			throw new IllegalStateException("cannot decode a " + m.type() + " matrix: " + e.getMessage(), e);
		}
	}

	/** The same matrix in F32. */
	static LlamaWeights.Matrix dequantised(LlamaWeights.Matrix m) {
		return new LlamaWeights.Matrix(TensorType.F32, m.rows(), m.cols(), MemorySegment.ofArray(decode(m)));
	}
}
