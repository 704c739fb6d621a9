package dev.atelier.device;

import java.util.Objects;

/** Who holds a lease: the bundle that asked for it and the client name it gave (e.g. "sd15 unet"). */
public record LeaseOwner(String bundle, String client) {

	public LeaseOwner {
		Objects.requireNonNull(bundle, "bundle");
		Objects.requireNonNull(client, "client");
	}

	@Override
	public String toString() {
		return bundle + "/" + client;
	}
}
