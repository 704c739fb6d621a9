package dev.atelier.diffusion.checkpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.Weight;

/**
 * Weights under internal names, with the stored keys that were left out: known extra buffers (schedule tables, EMA copies,
 * position ids, CLIP's logit scale) and keys nothing maps. {@code textLayouts} records each text encoder's stored layout
 * ("CLIP" as transformers writes it, "OpenCLIP"), which the family rule checks.
 */
public final class Mapped {

	public final Map<String, Weight> weights = new TreeMap<>();
	public final List<String> ignored = new ArrayList<>();
	public final List<String> unused = new ArrayList<>();
	public final Map<String, String> textLayouts = new TreeMap<>();

	void put(String name, StoredTensor t) {
		weights.put(name, Weight.of(name, t));
	}

	void put(Weight w) {
		weights.put(w.name(), w);
	}
}
