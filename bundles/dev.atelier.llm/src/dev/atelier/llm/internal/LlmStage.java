package dev.atelier.llm.internal;

import java.util.List;
import java.util.Locale;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;

/**
 * One device's stage of a model split by layers over several GPUs (a pipeline): layers {@code layers} of
 * {@code model}, with the embedding where the stage starts at layer 0 and the classifier where it ends at the last.
 * bytes = {@link LlmWorkload#stageBytes}: the formula of {@link LlmWorkload}, for these layers.
 */
record LlmStage(LlmWorkload model, Planner.LayerRange layers) implements Workload {

	LlmStage {
		if (layers.isEmpty() || layers.end() > model.shape().layers()) {
			throw new IllegalArgumentException("layers " + layers + " are not a stage of " + model.spec());
		}
	}

	private boolean last() {
		return layers.end() == model.shape().layers();
	}

	@Override
	public String spec() {
		return model.spec() + ":layers=" + layers;
	}

	@Override
	public long bytes() {
		return model.stageBytes(layers.first(), layers.end());
	}

	@Override
	public String breakdown() {
		long kvCache = model.kvCacheBytes(layers.count());
		double weights = model.weights(layers.first(), layers.end());
		return String.format(Locale.ROOT, "layers %s of %d%s%s: weights %s (%s), KV cache %s (%d tokens, f16), activations and scratch %s", layers,
				model.shape().layers(), layers.first() == 0 ? " + embedding" : "", last() ? " + output" : "", Workloads.gib(weights), model.format(),
				Workloads.gib(kvCache), model.context(), Workloads.gib(bytes() - Math.round(weights) - kvCache));
	}

	/** The model's cheaper formats and contexts, for the same layers. */
	@Override
	public List<Workload> cheaper() {
		return model.cheaper().stream().map(LlmWorkload.class::cast).filter(w -> w.offload() == 0).map(w -> (Workload) new LlmStage(w, layers)).toList();
	}
}
