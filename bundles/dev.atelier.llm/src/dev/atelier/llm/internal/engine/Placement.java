package dev.atelier.llm.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

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
 * compute runs under a lease sized by {@link Llama#bytes}. {@code notes} hears why, where a device's budget or backend
 * decided; {@link Llama#placement()} says what was chosen.
 */
public record Placement(DeviceService devices, ComputeRuntime runtime, String device, int gpuLayers, int threads, Consumer<String> notes) {

	public static final int AUTO_LAYERS = -1;

	/** {@code auto} on {@code threads} CPU threads, through the services the framework holds (for callers that are no component). */
	public static Placement auto(int threads, Consumer<String> notes) {
		Bundle bundle = FrameworkUtil.getBundle(Placement.class);
		BundleContext context = bundle == null ? null : bundle.getBundleContext();
		if (context == null) {
			throw new IllegalStateException("the LLM bundle is not started: no device service to place a model with");
		}
		return new Placement(service(context, DeviceService.class), service(context, ComputeRuntime.class), "auto", AUTO_LAYERS, threads, notes);
	}

	private static <S> S service(BundleContext context, Class<S> type) {
		ServiceReference<S> reference = context.getServiceReference(type);
		S service = reference == null ? null : context.getService(reference);
		if (service == null) {
			throw new IllegalStateException("no " + type.getSimpleName() + " service: the compute runtime is not running");
		}
		return service;
	}

	/** The model on the chosen device(s); {@code client} names the leases (the Devices view shows it). */
	public Llama open(String client, LlamaConfig config, LlamaWeights weights, int maxContext) {
		Device target = devices.resolve(device);
		int layers = config.layers();
		if (target.hostMemory()) {
			return onCpu(client, config, weights, maxContext);
		}
		int onDevice = gpuLayers >= 0 ? Math.min(gpuLayers, layers) : fitting(target, config, weights, maxContext);
		if (onDevice == 0) {
			return onCpu(client, config, weights, maxContext);
		}
		List<AutoCloseable> held = new ArrayList<>();
		try {
			Compute gpu;
			try {
				gpu = open(target, client, Llama.bytes(config, weights, layers - onDevice, layers, maxContext, Llama.batchTokens(onDevice == layers))
						+ workspace(target, config, onDevice == layers), held);
			} catch (UnsupportedOperationException e) {
				if (!device.equals("auto")) {
					throw e;
				}
				closeAll(held);
				notes.accept(e.getMessage() + "; the model runs on the CPU");
				return onCpu(client, config, weights, maxContext);
			}
			Compute cpu = onDevice == layers ? gpu
					: open(devices.resolve("cpu"), client, Llama.bytes(config, weights, 0, layers - onDevice, maxContext, Llama.batchTokens(false)), held);
			return new Llama(config, weights, cpu, gpu, onDevice, maxContext, () -> closeAll(held));
		} catch (RuntimeException e) {
			closeAll(held);
			throw e;
		}
	}

	private Llama onCpu(String client, LlamaConfig config, LlamaWeights weights, int maxContext) {
		List<AutoCloseable> held = new ArrayList<>();
		try {
			Compute cpu = open(devices.resolve("cpu"), client, Llama.bytes(config, weights, 0, config.layers(), maxContext, Llama.batchTokens(false)), held);
			return new Llama(config, weights, cpu, maxContext, () -> closeAll(held));
		} catch (RuntimeException e) {
			closeAll(held);
			throw e;
		}
	}

	/** How many of the last layers (with the classifier) the device's budget holds now: all, or as many as fit. */
	private int fitting(Device target, LlamaConfig config, LlamaWeights weights, int maxContext) {
		long budget = devices.status(target.id()).budgetBytes();
		int layers = config.layers();
		int n = layers;
		while (n > 0 && Llama.bytes(config, weights, layers - n, layers, maxContext, Llama.batchTokens(n == layers)) + workspace(target, config, n == layers) > budget) {
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
	private Compute open(Device on, String client, long bytes, List<AutoCloseable> held) {
		VramLease lease;
		try {
			lease = devices.acquire(on.id(), LeaseRequest.of(client, bytes));
		} catch (LeaseRefusedException e) {
			throw new IllegalStateException(e.getMessage(), e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for memory on " + on.id(), e);
		}
		held.add(lease);
		ComputeContext context = devices.openContext(lease);
		held.add(context);
		Compute compute = runtime.open(context, threads);
		held.add(compute);
		return compute;
	}

	/** Closes the computes, then their contexts, then their leases. */
	private static void closeAll(List<AutoCloseable> held) {
		for (AutoCloseable resource : held.reversed()) {
			try {
				resource.close();
			} catch (Exception e) {
				throw new IllegalStateException("cannot release the model's compute: " + e.getMessage(), e);
			}
		}
		held.clear();
	}
}
