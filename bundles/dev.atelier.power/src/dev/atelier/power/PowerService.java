package dev.atelier.power;

import java.util.List;
import java.util.Map;

/** The background sampler's view for the UI: which devices are sampled and their history. */
public interface PowerService {

	List<String> deviceIds();

	/** A device's samples in [from, to], oldest first: full rate for the last 10 minutes, 1 Hz before. */
	List<Sample> history(String deviceId, long fromMillis, long toMillis);

	/** Devices that stopped answering, with the reason. */
	Map<String, String> lostDevices();

	/** Why sources that could have given devices give none (e.g. "NVML … is not available"), to show the user. */
	List<String> absentSources();
}
