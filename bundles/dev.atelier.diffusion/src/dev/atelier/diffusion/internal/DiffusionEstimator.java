package dev.atelier.diffusion.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;

/**
 * Estimates Stable Diffusion pipelines: {@code MODEL@WIDTHxHEIGHT[xBATCH][:fp32][:tiled][:streamed]}, e.g.
 * {@code sdxl@1024x1024x2}; {@code :streamed} holds the weights in host memory, twice the largest block on the card.
 */
@Component(service = WorkloadEstimator.class)
public final class DiffusionEstimator implements WorkloadEstimator {

	private static final Pattern SPEC = Pattern.compile("(\\w+)@(\\d+)x(\\d+)(?:x(\\d+))?((?::\\w+)*)");

	@Override
	public String kind() {
		return "diffusion";
	}

	@Override
	public List<String> examples() {
		return List.of("sd15@512x512x1", "sdxl@1024x1024x2");
	}

	@Override
	public Optional<Workload> parse(String spec) {
		Matcher m = SPEC.matcher(spec);
		if (!m.matches()) {
			return Optional.empty();
		}
		boolean fp32 = m.group(5).contains(":fp32");
		boolean tiled = m.group(5).contains(":tiled");
		boolean streamed = m.group(5).contains(":streamed");
		return Optional.of(new DiffusionWorkload(DiffusionWorkload.Profile.known(m.group(1)), Integer.parseInt(m.group(2)),
				Integer.parseInt(m.group(3)), m.group(4) == null ? 1 : Integer.parseInt(m.group(4)), fp32, tiled, streamed));
	}
}
