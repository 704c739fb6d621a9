package dev.atelier.power;

/** A raised or cleared alert of one device. */
public record Alert(String deviceId, Kind kind, boolean raised, String message, long epochMillis) {

	public enum Kind {
		TEMPERATURE, POWER_NEAR_LIMIT, THROTTLING
	}
}
