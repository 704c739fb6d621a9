package dev.atelier.device;

/** Where a device's work runs. */
public enum Backend {
	CUDA("cuda"), CPU("cpu"), SIMULATED("simulated");

	private final String id;

	Backend(String id) {
		this.id = id;
	}

	/** The lower-case name used in device ids and JSON. */
	public String id() {
		return id;
	}
}
