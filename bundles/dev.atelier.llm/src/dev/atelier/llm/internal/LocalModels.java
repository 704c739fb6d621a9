package dev.atelier.llm.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.cli.Durations;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.Preferences;
import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.core.jobs.JobService;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.ModelInfo;
import dev.atelier.llm.internal.engine.ChatFormat;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufTensor;

/**
 * The embedded engine's models as a service: each loads in a job onto the compute runtime, under evictable leases of
 * this bundle's device service (one per device it runs on) whose idle time-to-live is the
 * {@value LlmService#KEEP_ALIVE} preference as it is when the model loads.
 */
@Component(service = LlmService.class)
public final class LocalModels implements LlmService {

	private static final System.Logger LOG = System.getLogger(LocalModels.class.getName());

	final JobService jobs;
	final DeviceService devices;
	final ComputeRuntime runtime;
	private final Preferences preferences;
	private volatile EnergyMeter meter;
	private final Set<ServedModel> open = ConcurrentHashMap.newKeySet();

	/** {@code preferences} null keeps every default. */
	@Activate
	public LocalModels(@Reference JobService jobs, @Reference DeviceService devices, @Reference ComputeRuntime runtime,
			@Reference(cardinality = ReferenceCardinality.OPTIONAL) Preferences preferences) {
		this.jobs = jobs;
		this.devices = devices;
		this.runtime = runtime;
		this.preferences = preferences;
	}

	/** The power bundle's meter, where it runs: answers then carry the energy they took. */
	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	public void setMeter(EnergyMeter energy) {
		meter = energy;
	}

	public void unsetMeter(EnergyMeter energy) {
		if (meter == energy) {
			meter = null;
		}
	}

	/** Null where no meter runs. */
	EnergyMeter meter() {
		return meter;
	}

	@Deactivate
	public void close() {
		open.forEach(ServedModel::close);
	}

	@Override
	public LocalModel model(Path file, Path tokenizer, String template, String deviceId, int context) {
		return served(file, tokenizer, template, deviceId, context, 1, this::keepAlive);
	}

	@Override
	public LocalModel model(Path file, String template, String deviceId, int context, Duration keepAlive) {
		return served(file, null, template, deviceId, context, 1, () -> keepAlive);
	}

	@Override
	public LocalModel model(Path file, String template, String deviceId, int context, int sequences, Duration keepAlive) {
		return served(file, null, template, deviceId, context, sequences, () -> keepAlive);
	}

	private LocalModel served(Path file, Path tokenizer, String template, String deviceId, int context, int sequences, Supplier<Duration> keepAlive) {
		if (context < 1) {
			throw new IllegalArgumentException("a context holds at least 1 token, not " + context);
		}
		if (sequences < 1) {
			throw new IllegalArgumentException("a model decodes at least 1 answer at a time, not " + sequences);
		}
		return new ServedModel(this, file, tokenizer, template, deviceId, context, sequences, keepAlive);
	}

	@Override
	public ModelInfo describe(Path file) throws IOException {
		try (GgufFile gguf = GgufFile.open(file)) {
			String architecture = gguf.string("general.architecture").orElse("");
			Map<GgmlType, Long> bytesByType = new EnumMap<>(GgmlType.class);
			long parameters = 0;
			for (GgufTensor tensor : gguf.tensors().values()) {
				parameters += tensor.elements();
				bytesByType.merge(tensor.type(), tensor.data().byteSize(), Long::sum);
			}
			String quantization = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("");
			int context = gguf.integer(architecture + ".context_length").map(Long::intValue).orElse(0);
			Optional<String> template = gguf.string("tokenizer.chat_template");
			String name = file.getFileName().toString();
			return new ModelInfo(architecture, parameters, quantization, context, template, ChatFormat.of(template, name).description());
		}
	}

	void opened(ServedModel model) {
		open.add(model);
	}

	void closed(ServedModel model) {
		open.remove(model);
	}

	/**
	 * The idle time-to-live of a model loading now, from the preference: null (never) for {@code -1}; the default
	 * where it is unset or not a duration (which is logged).
	 */
	Duration keepAlive() {
		String value = preferences == null ? null : preferences.get(KEEP_ALIVE, null);
		if (value == null || value.isBlank()) {
			return DEFAULT_KEEP_ALIVE;
		}
		if (value.strip().equals("-1")) {
			return null;
		}
		try {
			return Durations.parse(value);
		} catch (IllegalArgumentException e) {
			LOG.log(System.Logger.Level.WARNING, "preference " + KEEP_ALIVE + ": " + e.getMessage() + "; using " + Durations.format(DEFAULT_KEEP_ALIVE));
			return DEFAULT_KEEP_ALIVE;
		}
	}
}
