package dev.atelier.core.jobs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A submitted job as others see it. */
public interface JobHandle<T> {

	/** The detail key naming the device a job ran on; a job over several names them joined by {@code +} ({@code cuda:0+cpu}). */
	String DEVICE = "device";

	/** The devices a job's details name under {@link #DEVICE}; none when it named none. */
	static List<String> devices(Map<String, String> details) {
		String named = details.getOrDefault(DEVICE, "");
		return java.util.Arrays.stream(named.split("\\+")).map(String::strip).filter(id -> !id.isEmpty()).toList();
	}

	/** The {@link #DEVICE} detail of a job over these devices, in order: {@code cuda:0+cuda:1}; {@link #devices} reads it back. */
	static String deviceList(List<String> deviceIds) {
		return String.join("+", deviceIds);
	}

	long id();

	String name();

	JobState state();

	/** The current task's label, empty before the job began one. */
	String task();

	/** Done fraction in [0, 1], or NaN while the amount of work is unknown. */
	double progress();

	/** The details the job noted, in the order noted (none for handles that keep no record). */
	default Map<String, String> details() {
		return Map.of();
	}

	/** The files the job wrote, in the order noted (none for handles that keep no record). */
	default List<String> outputs() {
		return List.of();
	}

	/** Asks the job to stop; a queued job never starts, a running one stops at its next check. */
	void cancel();

	/** Completes with the job's value, exceptionally with its failure or a {@link JobCancelledException}. */
	CompletableFuture<T> result();
}
