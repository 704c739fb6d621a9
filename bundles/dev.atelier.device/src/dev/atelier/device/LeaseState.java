package dev.atelier.device;

public enum LeaseState {
	/** The bytes are the holder's. */
	GRANTED,
	/** Taken back by the arbiter for another request, after the holder's eviction callback ran. */
	EVICTED,
	/** Given back by its holder (or because its owner bundle stopped). */
	RELEASED
}
