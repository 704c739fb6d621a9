package dev.atelier.viewport.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/** Estimates scenes for the viewport and the path tracer: {@code scene:tris=N:tex=SIZE[:bc7]}, e.g. {@code scene:tris=30M:tex=4GB}. */
@Component(service = WorkloadEstimator.class)
public final class SceneEstimator implements WorkloadEstimator {

	private static final Pattern SPEC = Pattern.compile("scene((?::[\\w=.]+)*)");

	@Override
	public String kind() {
		return "scene";
	}

	@Override
	public List<String> examples() {
		return List.of("scene:tris=30M:tex=4GB");
	}

	@Override
	public Optional<Workload> parse(String spec) {
		Matcher m = SPEC.matcher(spec);
		if (!m.matches()) {
			return Optional.empty();
		}
		long tris = 0;
		long tex = 0;
		boolean bc7 = false;
		for (String option : m.group(1).split(":")) {
			if (option.startsWith("tris=")) {
				tris = Workloads.count(option.substring(5));
			} else if (option.startsWith("tex=")) {
				tex = Workloads.bytes(option.substring(4));
			} else if (option.equals("bc7")) {
				bc7 = true;
			} else if (!option.isEmpty()) {
				throw new IllegalArgumentException("unknown option '" + option + "' (expected tris=N, tex=SIZE or bc7)");
			}
		}
		return Optional.of(new SceneWorkload(tris, tex, bc7));
	}
}
