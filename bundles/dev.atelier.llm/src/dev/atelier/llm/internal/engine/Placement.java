package dev.atelier.llm.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;

/**
 * Where a model runs: the device a user named ({@code cpu}, {@code cuda:N}, {@code sim:PROFILE} or {@code auto}) and
 * how many of its layers go there ({@code gpuLayers}, or {@link #AUTO_LAYERS}: all where the device's budget holds
 * the model, else as many of the last layers as it holds, the rest on the CPU, as llama.cpp's {@code -ngl}). Each
 * compute runs under a lease sized by {@link Llama#bytes}, one per device, asked for as {@code leasing} shapes it.
 * {@code notes} hears why, where a device's budget or backend decided; {@link Llama#placement()} says what was chosen.
 */
public record Placement(DeviceService devices, ComputeRuntime runtime, String device, int gpuLayers, int threads, Consumer<String> notes,
		Leasing leasing) {

	public static final int AUTO_LAYERS = -1;

	/**
	 * How a placement's leases are asked for, and who hears of them: the command line's are plain; the LLM service's are
	 * evictable with an idle time-to-live, and it marks them busy while it loads and answers.
	 */
	public interface Leasing {

		/** Plain leases, of the engine's size, that only closing the model gives back. */
		Leasing PLAIN = request -> request;

		/** The request for one device's lease, from the plain one of the engine's client name and size. */
		LeaseRequest request(LeaseRequest plain);

		/**
		 * Hears each lease as it is granted, before anything is allocated under it; the model gives it back when it
		 * closes (or when the model fails to open).
		 */
		default void granted(VramLease lease) {
		}
	}

	/** With plain leases. */
	public Placement(DeviceService devices, ComputeRuntime runtime, String device, int gpuLayers, int threads, Consumer<String> notes) {
		this(devices, runtime, device, gpuLayers, threads, notes, Leasing.PLAIN);
	}

	/** The model on the chosen device(s); {@code client} names the leases (the Devices view shows it). */
	public Llama open(String client, LlamaConfig config, LlamaWeights weights, int maxContext) {
		return open(client, config, weights, maxContext, 1);
	}

	/** As {@link #open(String, LlamaConfig, LlamaWeights, int)}, with a cache slot of {@code maxContext} for each of {@code sequences} decoded together. */
	public Llama open(String client, LlamaConfig config, LlamaWeights weights, int maxContext, int sequences) {
		Device target = devices.resolve(device);
		int layers = config.layers();
		if (target.hostMemory()) {
			return onCpu(client, config, weights, maxContext, sequences);
		}
		int onDevice = gpuLayers >= 0 ? Math.min(gpuLayers, layers) : fitting(target, config, weights, maxContext, sequences);
		if (onDevice == 0) {
			return onCpu(client, config, weights, maxContext, sequences);
		}
		Resources held = new Resources();
		try {
			Compute gpu;
			try {
				gpu = open(target, client, Llama.bytes(config, weights, layers - onDevice, layers, maxContext, sequences, Llama.batchTokens(onDevice == layers))
						+ workspace(target, config, onDevice == layers), held);
			} catch (UnsupportedOperationException e) {
				if (!device.equals("auto")) {
					throw e;
				}
				held.close();
				notes.accept(e.getMessage() + "; the model runs on the CPU");
				return onCpu(client, config, weights, maxContext, sequences);
			}
			Compute cpu = onDevice == layers ? gpu
					: open(devices.resolve("cpu"), client, Llama.bytes(config, weights, 0, layers - onDevice, maxContext, sequences, Llama.batchTokens(false)),
							held);
			return new Llama(config, weights, cpu, gpu, onDevice, maxContext, sequences, held);
		} catch (RuntimeException e) {
			held.close();
			throw e;
		}
	}

	private Llama onCpu(String client, LlamaConfig config, LlamaWeights weights, int maxContext, int sequences) {
		Resources held = new Resources();
		try {
			Compute cpu = open(devices.resolve("cpu"), client, Llama.bytes(config, weights, 0, config.layers(), maxContext, sequences, Llama.batchTokens(false)),
					held);
			return new Llama(config, weights, cpu, maxContext, sequences, held);
		} catch (RuntimeException e) {
			held.close();
			throw e;
		}
	}

	/** How many of the last layers (with the classifier) the device's budget holds now: all, or as many as fit. */
	private int fitting(Device target, LlamaConfig config, LlamaWeights weights, int maxContext, int sequences) {
		long budget = devices.status(target.id()).budgetBytes();
		int layers = config.layers();
		int n = layers;
		while (n > 0 && Llama.bytes(config, weights, layers - n, layers, maxContext, sequences, Llama.batchTokens(n == layers))
				+ workspace(target, config, n == layers) > budget) {
			n--;
		}
		notes.accept(String.format(Locale.ROOT, "%s: its budget of %.2f GiB holds %s", target.id(), budget / (double) (1L << 30),
				n == layers ? "all " + layers + " layers" : n + " of " + layers + " layers; the rest run on the CPU"));
		return n;
	}

	/** What the device's backend allocates beside the model's tensors: its lease holds that too. */
	private long workspace(Device target, LlamaConfig config, boolean allLayers) {
		int widest = Math.max(config.dim(), config.hiddenDim());
		return runtime.workspaceBytes(target, Llama.batchTokens(allLayers), widest);
	}

	/** A compute on a device under a lease of {@code bytes}, the lease, context and compute added to {@code held}. */
	private Compute open(Device on, String client, long bytes, Resources held) {
		VramLease lease;
		try {
			lease = devices.acquire(on.id(), leasing.request(LeaseRequest.of(client, bytes)));
		} catch (LeaseRefusedException e) {
			throw new IllegalStateException(e.getMessage(), e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for memory on " + on.id(), e);
		}
		held.items.add(lease);
		leasing.granted(lease);
		ComputeContext context = devices.openContext(lease);
		held.items.add(context);
		held.leases.add(lease);
		Compute compute = runtime.open(context, threads);
		held.items.add(compute);
		return compute;
	}

	/** What a model holds on each device: its lease, the context opened on it and the compute; closing frees all. */
	static final class Resources implements AutoCloseable {
		private final List<AutoCloseable> items = new ArrayList<>();
		private final List<VramLease> leases = new ArrayList<>();

		/**
		 * Per device, the memory allocated under the lease against the lease's size: how close the engine's estimate
		 * (the lease, the planner's formula) is to what it uses, scratch included once it has run.
		 */
		String memory() {
			StringBuilder out = new StringBuilder();
			for (VramLease lease : leases) {
				out.append(out.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s: %.2f GiB allocated of a %.2f GiB lease (%.1f %%)",
						lease.deviceId(), lease.allocatedBytes() / GIB, lease.bytes() / GIB, 100.0 * lease.allocatedBytes() / lease.bytes()));
			}
			return out.toString();
		}

		/** Closes the computes, then their contexts, then their leases. */
		@Override
		public void close() {
			for (AutoCloseable resource : items.reversed()) {
				try {
					resource.close();
				} catch (Exception e) {
					throw new IllegalStateException("cannot release the model's compute: " + e.getMessage(), e);
				}
			}
			items.clear();
			leases.clear();
		}
	}

	private static final double GIB = 1L << 30;
}
