package dev.atelier.llm.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/**
 * Estimates LLaMA-class models: {@code llm:SIZE:FORMAT[:ctx=N][:offload=P%][:seq=N][:layers=A-B]}, e.g. {@code llm:7b:f16:ctx=4096}; seq: answers
 * decoded together, each with its cache (as {@code atelier serve --parallel N} holds them); layers: one device's stage
 * of a model split by layers, as {@code atelier plan --devices} names them.
 */
@Component(service = WorkloadEstimator.class)
public final class LlmEstimator implements WorkloadEstimator {

	private static final Pattern SPEC = Pattern.compile("llm:(\\w+):(\\w+)((?::[\\w=.%-]+)*)");
	private static final Pattern LAYERS = Pattern.compile("(\\d{1,4})-(\\d{1,4})");

	@Override
	public String kind() {
		return "llm";
	}

	@Override
	public List<String> examples() {
		return List.of("llm:7b:f16:ctx=4096", "llm:13b:q4_0");
	}

	@Override
	public Optional<Workload> parse(String spec) {
		Matcher m = SPEC.matcher(spec);
		if (!m.matches()) {
			return Optional.empty();
		}
		int context = LlmWorkload.DEFAULT_CONTEXT;
		double offload = 0;
		int sequences = 1;
		String layers = null;
		for (String option : m.group(3).split(":")) {
			if (option.startsWith("ctx=")) {
				long tokens = Workloads.count(option.substring(4));
				if (tokens < 1 || tokens > Integer.MAX_VALUE) { // a cast would wrap it round to another context
					throw new IllegalArgumentException("'" + option + "' is not a context of 1 to " + Integer.MAX_VALUE + " tokens");
				}
				context = (int) tokens;
			} else if (option.startsWith("offload=")) {
				offload = Double.parseDouble(option.substring(8).replace("%", "")) / 100;
			} else if (option.startsWith("seq=")) {
				long n = Workloads.count(option.substring(4));
				if (n < 1 || n > 1024) {
					throw new IllegalArgumentException("'" + option + "' is not 1 to 1024 answers decoded together");
				}
				sequences = (int) n;
			} else if (option.startsWith("layers=")) {
				layers = option.substring(7);
			} else if (!option.isEmpty()) {
				throw new IllegalArgumentException("unknown option '" + option + "' (expected ctx=N, offload=P%, seq=N or layers=A-B)");
			}
		}
		LlmWorkload model = new LlmWorkload(m.group(1), m.group(2), context, offload, sequences);
		return Optional.of(layers == null ? model : stage(model, layers));
	}

	/** The stage of layers {@code A-B} (both included) of a model that is not offloaded. */
	private static Workload stage(LlmWorkload model, String layers) {
		Matcher range = LAYERS.matcher(layers);
		if (!range.matches() || Integer.parseInt(range.group(1)) > Integer.parseInt(range.group(2))) {
			throw new IllegalArgumentException("'layers=" + layers + "' is not a range of layers FIRST-LAST, e.g. layers=0-15");
		}
		if (model.offload() > 0) {
			throw new IllegalArgumentException("layers= is one device's stage of a split; it does not go with offload=");
		}
		return new LlmStage(model, new Planner.LayerRange(Integer.parseInt(range.group(1)), Integer.parseInt(range.group(2)) + 1));
	}
}
