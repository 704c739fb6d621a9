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
import dev.atelier.device.plan.Planner;

/**
 * Where a model runs: the device a user named ({@code cpu}, {@code cuda:N}, {@code sim:PROFILE} or {@code auto}) and
 * how many of its layers go there ({@code gpuLayers}, or {@link #AUTO_LAYERS}: all where the device's budget holds
 * the model, else as many of the last layers as it holds, the rest on the CPU, as llama.cpp's {@code -ngl}); or, with
 * {@link #SPLIT_LAYERS}, a list of devices ({@code --devices}: ids separated by commas, or {@code all}) across which the
 * layers split in order, in proportion to each device's free memory after its fixed parts (a pipeline). Each compute
 * runs under a lease sized by {@link Llama#bytes}, one per device, asked for as {@code leasing} shapes it. {@code notes}
 * hears why, where a device's budget or backend decided; {@link Llama#placement()} says what was chosen.
 */
public record Placement(DeviceService devices, ComputeRuntime runtime, String device, int gpuLayers, int threads, Consumer<String> notes,
		Leasing leasing) {

	public static final int AUTO_LAYERS = -1;
	/** {@code gpuLayers} of a placement whose {@code device} is a list of devices to split the layers across. */
	public static final int SPLIT_LAYERS = -2;

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
		if (gpuLayers == SPLIT_LAYERS) {
			return split(client, config, weights, maxContext, sequences);
		}
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
			if (onDevice == layers) {
				return new Llama(config, weights, gpu, maxContext, sequences, held);
			}
			Compute cpu = open(devices.resolve("cpu"), client, Llama.bytes(config, weights, 0, layers - onDevice, maxContext, sequences, Llama.batchTokens(false)),
					held);
			return new Llama(config, weights, List.of(cpu, gpu), List.of(layers - onDevice, onDevice), Llama.batchTokens(false), maxContext, sequences,
					held);
		} catch (RuntimeException e) {
			held.close();
			throw e;
		}
	}

	/**
	 * The layers across the listed devices in order: each device's share in proportion to its budget after its fixed
	 * parts (the embedding on the first, the classifier on the last, activations and the backend's workspace on each),
	 * then, where rounding gave a device a layer more than it holds, that layer moved to the device with the most room to
	 * spare; a device left with no layer takes no part. Each stage runs under a lease of its own.
	 *
	 * @throws DoesNotFit naming every device's budget and what its stage needs, where a stage does not fit
	 */
	private Llama split(String client, LlamaConfig config, LlamaWeights weights, int maxContext, int sequences) {
		List<Device> listed = devices.resolveAll(device);
		int n = listed.size();
		// the CPU's batch where it is listed, whether or not it takes a layer: leases and the model agree on it
		Stages stages = new Stages(config, weights, maxContext, sequences, Llama.batchTokens(listed.stream().noneMatch(Device::hostMemory)), listed);
		long[] budgets = new long[n];
		List<Long> free = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			budgets[i] = devices.status(listed.get(i).id()).budgetBytes();
			free.add(Math.max(0, budgets[i] - stages.fixed(i, i == 0, i == n - 1)));
		}
		if (free.stream().allMatch(f -> f == 0)) {
			throw doesNotFit(listed, budgets, stages, "no device has room for a layer beside its fixed parts");
		}
		int[] counts = Planner.splitLayers(config.layers(), free).stream().mapToInt(Planner.LayerRange::count).toArray();
		long[] needed = stages.bytes(counts);
		// rounding up may give a device a layer more than it holds: it moves to the device with the most room left after
		// it, a bounded number of times
		for (int moves = 0, over = overBudget(needed, budgets); over >= 0; moves++, over = overBudget(needed, budgets)) {
			int to = -1;
			long room = 0;
			for (int j = 0; j < n && moves < config.layers() * n; j++) {
				if (j == over) {
					continue;
				}
				int[] moved = counts.clone();
				moved[over]--;
				moved[j]++;
				long[] after = stages.bytes(moved);
				if (after[j] <= budgets[j] && noNewOverflow(needed, after, budgets) && (to < 0 || budgets[j] - after[j] > room)) {
					to = j;
					room = budgets[j] - after[j];
				}
			}
			if (to < 0) {
				throw doesNotFit(listed, budgets, stages, over(listed, counts, needed, budgets));
			}
			counts[over]--;
			counts[to]++;
			needed = stages.bytes(counts);
		}
		List<Compute> computes = new ArrayList<>();
		List<Integer> layers = new ArrayList<>();
		StringBuilder split = new StringBuilder();
		Resources held = new Resources();
		try {
			int first = 0;
			for (int i = 0; i < n; i++) {
				String id = listed.get(i).id();
				if (counts[i] == 0) {
					notes.accept(id + " takes no layer: " + gib(free.get(i)) + " beside its fixed parts is too small a share");
					continue;
				}
				split.append(split.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s: layers %d–%d, %s of its budget of %s", id, first,
						first + counts[i] - 1, gib(needed[i]), gib(budgets[i])));
				first += counts[i];
			}
			notes.accept("split across " + used(counts) + " devices: " + split + "; the hidden state crosses between them through host memory");
			for (int i = 0; i < n; i++) {
				if (counts[i] > 0) {
					computes.add(open(listed.get(i), client, needed[i], held));
					layers.add(counts[i]);
				}
			}
			return new Llama(config, weights, computes, layers, stages.batch, maxContext, sequences, held);
		} catch (RuntimeException e) {
			held.close();
			throw e;
		}
	}

	/** Devices that take a part. */
	private static long used(int[] counts) {
		return java.util.Arrays.stream(counts).filter(c -> c > 0).count();
	}

	/** Whether every device within its budget before stays so after. */
	private static boolean noNewOverflow(long[] before, long[] after, long[] budgets) {
		for (int i = 0; i < budgets.length; i++) {
			if (before[i] <= budgets[i] && after[i] > budgets[i]) {
				return false;
			}
		}
		return true;
	}

	/** The first device whose stage needs more than its budget, or −1. */
	private static int overBudget(long[] needed, long[] budgets) {
		for (int i = 0; i < needed.length; i++) {
			if (needed[i] > budgets[i]) {
				return i;
			}
		}
		return -1;
	}

	private static String over(List<Device> listed, int[] counts, long[] needed, long[] budgets) {
		List<String> over = new ArrayList<>();
		int first = 0;
		for (int i = 0; i < counts.length; i++) {
			if (needed[i] > budgets[i]) {
				over.add(String.format(Locale.ROOT, "%s's layers %d–%d need %s", listed.get(i).id(), first, first + counts[i] - 1, gib(needed[i])));
			}
			first += counts[i];
		}
		return String.join("; ", over);
	}

	/** What the stages of a split need on their devices: weights, caches, activations and each backend's workspace. */
	private final class Stages {
		private final LlamaConfig config;
		private final LlamaWeights weights;
		private final int maxContext;
		private final int sequences;
		private final int batch;
		private final List<Device> listed;

		Stages(LlamaConfig config, LlamaWeights weights, int maxContext, int sequences, int batch, List<Device> listed) {
			this.config = config;
			this.weights = weights;
			this.maxContext = maxContext;
			this.sequences = sequences;
			this.batch = batch;
			this.listed = listed;
		}

		/** Device {@code i}'s bytes whatever its layers. */
		long fixed(int i, boolean embedding, boolean classifier) {
			return Llama.fixedBytes(config, weights, embedding, classifier, maxContext, sequences, batch) + workspace(listed.get(i), config, batch);
		}

		/** Every layer's bytes. */
		long layers() {
			long bytes = 0;
			for (int l = 0; l < config.layers(); l++) {
				bytes += Llama.layerBytes(config, weights, l, maxContext, sequences);
			}
			return bytes;
		}

		/** Each device's stage with {@code counts} layers in order; 0 for a device with none. */
		long[] bytes(int[] counts) {
			long[] bytes = new long[counts.length];
			int from = 0;
			for (int i = 0; i < counts.length; i++) {
				if (counts[i] > 0) {
					bytes[i] = Llama.bytes(config, weights, from, from + counts[i], maxContext, sequences, batch) + workspace(listed.get(i), config, batch);
					from += counts[i];
				}
			}
			return bytes;
		}
	}

	private static DoesNotFit doesNotFit(List<Device> listed, long[] budgets, Stages stages, String why) {
		StringBuilder all = new StringBuilder();
		for (int i = 0; i < listed.size(); i++) {
			all.append(i == 0 ? "" : ", ").append(listed.get(i).id()).append(" ").append(gib(budgets[i]));
		}
		return new DoesNotFit(String.format(Locale.ROOT, "the model does not fit across %s (budgets: %s): its layers take %s; %s",
				String.join(",", listed.stream().map(Device::id).toList()), all, gib(stages.layers()), why));
	}

	/** GiB, or MiB below one (a small card's or test model's sizes). */
	private static String gib(long bytes) {
		return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / GIB) : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
	}

	/** The memory a model needs is not there: a lease refused, or a split whose stage exceeds its device's budget. */
	public static final class DoesNotFit extends IllegalStateException {
		private static final long serialVersionUID = 1L;

		DoesNotFit(String message) {
			super(message);
		}

		DoesNotFit(String message, Throwable cause) {
			super(message, cause);
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
		return workspace(target, config, Llama.batchTokens(allLayers));
	}

	private long workspace(Device target, LlamaConfig config, int batch) {
		return runtime.workspaceBytes(target, batch, Math.max(config.dim(), config.hiddenDim()));
	}

	/** A compute on a device under a lease of {@code bytes}, the lease, context and compute added to {@code held}. */
	private Compute open(Device on, String client, long bytes, Resources held) {
		VramLease lease;
		try {
			lease = devices.acquire(on.id(), leasing.request(LeaseRequest.of(client, bytes)));
		} catch (LeaseRefusedException e) {
			throw new DoesNotFit(e.getMessage(), e);
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
