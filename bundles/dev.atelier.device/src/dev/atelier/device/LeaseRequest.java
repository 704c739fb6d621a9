package dev.atelier.device;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client asks of the arbiter. Build one with {@link #of(String, long)} and the {@code with…} methods.
 *
 * @param client      a name for the holder, shown in the devices view and in refusals
 * @param bytes       what the client wants
 * @param minBytes    the least it accepts (a partial grant); equal to {@code bytes} when it needs all
 * @param evictor     called before an evictable lease's bytes are taken, so the holder can unload; null means
 *                    the lease is not evictable
 * @param pinned      never evicted, even when idle and evictable
 * @param idleTtl     an idle evictable lease is evicted after this long without use; null for never
 * @param timeout     how long {@link DeviceService#acquire} waits for memory before it gives up
 */
public record LeaseRequest(String client, long bytes, long minBytes, Priority priority, EvictionHandler evictor,
		boolean pinned, Duration idleTtl, Duration timeout) {

	/** Lets a holder unload before its memory is taken; runs on the requesting thread, so it should be quick. */
	@FunctionalInterface
	public interface EvictionHandler {
		void evict(VramLease lease);
	}

	public LeaseRequest {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(priority, "priority");
		Objects.requireNonNull(timeout, "timeout");
		if (bytes <= 0) {
			throw new IllegalArgumentException("a lease needs a positive size, not " + bytes + " bytes");
		}
		if (minBytes <= 0 || minBytes > bytes) {
			throw new IllegalArgumentException("minBytes must be in 1.." + bytes + ", not " + minBytes);
		}
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("negative timeout " + timeout);
		}
	}

	public static LeaseRequest of(String client, long bytes) {
		return new LeaseRequest(client, bytes, bytes, Priority.NORMAL, null, false, null, Duration.ofSeconds(30));
	}

	public boolean evictable() {
		return evictor != null;
	}

	public LeaseRequest withPriority(Priority p) {
		return new LeaseRequest(client, bytes, minBytes, p, evictor, pinned, idleTtl, timeout);
	}

	public LeaseRequest withMinBytes(long min) {
		return new LeaseRequest(client, bytes, min, priority, evictor, pinned, idleTtl, timeout);
	}

	public LeaseRequest evictable(EvictionHandler handler) {
		return new LeaseRequest(client, bytes, minBytes, priority, Objects.requireNonNull(handler), pinned, idleTtl, timeout);
	}

	public LeaseRequest withPinned(boolean pin) {
		return new LeaseRequest(client, bytes, minBytes, priority, evictor, pin, idleTtl, timeout);
	}

	public LeaseRequest withIdleTtl(Duration ttl) {
		return new LeaseRequest(client, bytes, minBytes, priority, evictor, pinned, ttl, timeout);
	}

	public LeaseRequest withTimeout(Duration t) {
		return new LeaseRequest(client, bytes, minBytes, priority, evictor, pinned, idleTtl, t);
	}
}
