package dev.atelier.device.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import dev.atelier.device.spi.Bytes;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.LeaseOwner;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.Priority;
import dev.atelier.device.VramLease;

/**
 * Admission, waiting, eviction and accounting of one device's memory. Plain Java: the policy is tested
 * without OSGi or a GPU.
 *
 * <p>Budget = max(0, min(driverFree − promised, total − headroom − granted)), where promised is what granted
 * leases have not allocated yet (still free in the driver, but not ours to give again). The first term sees
 * memory taken by other programs, the second keeps the headroom. Owner callbacks run outside the lock.
 */
public final class Arbiter {

	/** Receives grants, evictions and releases after the lock is let go. */
	@FunctionalInterface
	public interface Events {
		void fire(DeviceEvent.Type type, Lease lease);
	}

	/** How often a waiter looks at the driver's free memory again, which changes without telling us. */
	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
	private static final AtomicLong IDS = new AtomicLong();

	private final Device device;
	private final LongSupplier driverFree;
	private final long driverPollNanos;
	private final long headroom;
	private final LongSupplier clock;
	private final Events events;

	private final ReentrantLock lock = new ReentrantLock();
	private final Condition changed = lock.newCondition();
	private final TreeSet<Waiter> queue = new TreeSet<>(
			Comparator.comparing((Waiter w) -> w.priority).thenComparingLong(w -> w.seq));
	private final Map<Long, Lease> leases = new LinkedHashMap<>();
	private long seq;
	private long granted;
	private long promised;
	/** The driver's free memory at {@code driverReadAt}, and what our leases allocated (net) since. */
	private long driverFreeRead;
	private long driverReadAt;
	private long allocatedSinceRead;
	private volatile boolean checkInvariants;

	/**
	 * @param driverPollNanos how long a reading of the driver's free memory is reused (corrected by our own
	 *                        allocations meanwhile); asking a CUDA driver costs ~10 µs, more than the rest of an
	 *                        admission. 0 asks on every admission.
	 */
	public Arbiter(Device device, LongSupplier driverFree, long driverPollNanos, long headroom, LongSupplier clock, Events events) {
		if (headroom < 0 || headroom >= device.totalBytes()) {
			throw new IllegalArgumentException(device.id() + ": headroom " + Bytes.format(headroom) + " must be below the total "
					+ Bytes.format(device.totalBytes()));
		}
		this.device = device;
		this.driverFree = driverFree;
		this.driverPollNanos = driverPollNanos;
		this.driverReadAt = System.nanoTime() - driverPollNanos - 1;
		this.headroom = headroom;
		this.clock = clock;
		this.events = events;
	}

	public Device device() {
		return device;
	}

	public long headroom() {
		return headroom;
	}

	/** Tests turn this on: every change then re-adds the books and throws {@link AssertionError} on a mismatch. */
	public void checkInvariants(boolean on) {
		checkInvariants = on;
	}

	public long budget() {
		lock.lock();
		try {
			return budgetLocked();
		} finally {
			lock.unlock();
		}
	}

	public long grantedBytes() {
		lock.lock();
		try {
			return granted;
		} finally {
			lock.unlock();
		}
	}

	public List<VramLease> leases() {
		lock.lock();
		try {
			return List.copyOf(leases.values());
		} finally {
			lock.unlock();
		}
	}

	/** Grants a lease, waiting and evicting as the policy says; see {@link dev.atelier.device.DeviceService}. */
	public Lease acquire(String bundle, LeaseRequest request) throws LeaseRefusedException, InterruptedException {
		LeaseOwner owner = new LeaseOwner(bundle, request.client());
		long ceiling = device.totalBytes() - headroom;
		if (request.minBytes() > ceiling) {
			throw new LeaseRefusedException(explain(owner, request, "it can never fit: at most " + Bytes.format(ceiling)
					+ " of " + Bytes.format(device.totalBytes()) + " can be leased (headroom " + Bytes.format(headroom) + ")"), true);
		}
		// Waiting is measured in real time; the injected clock only orders and ages leases.
		long deadline = System.nanoTime() + request.timeout().toNanos();
		List<Lease> evicted = new ArrayList<>();
		Lease lease = null;
		lock.lockInterruptibly();
		Waiter waiter = new Waiter(request.priority(), seq++);
		queue.add(waiter);
		try {
			while (lease == null) {
				if (queue.first() == waiter) {
					long budget = budgetLocked();
					long grant = request.bytes() <= budget ? request.bytes() : budget >= request.minBytes() ? budget : 0;
					if (grant > 0) {
						lease = grantLocked(owner, request, grant);
						break;
					}
					List<Lease> victims = victimsLocked(request, budget);
					if (!victims.isEmpty()) {
						evictUnlocking(victims);
						evicted.addAll(victims);
						continue;
					}
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new LeaseRefusedException(explain(owner, request, "no memory came free within "
							+ Duration.ofNanos(request.timeout().toNanos()).toMillis() + " ms"), false);
				}
				changed.awaitNanos(Math.min(remaining, POLL_NANOS));
			}
		} finally {
			queue.remove(waiter);
			changed.signalAll();
			lock.unlock();
			for (Lease v : evicted) {
				events.fire(DeviceEvent.Type.LEASE_EVICTED, v);
			}
		}
		events.fire(DeviceEvent.Type.LEASE_GRANTED, lease);
		return lease;
	}

	/** Evicts one lease now if it is idle, evictable and not pinned; see {@link dev.atelier.device.DeviceService#evict}. */
	public boolean evictNow(Lease lease) {
		lock.lock();
		try {
			if (!leases.containsKey(lease.id) || !lease.evictableNow()) {
				return false;
			}
			evictUnlocking(List.of(lease));
		} finally {
			lock.unlock();
		}
		events.fire(DeviceEvent.Type.LEASE_EVICTED, lease);
		return true;
	}

	/** Evicts evictable leases idle for longer than their time-to-live; returns how many. */
	public int evictExpired() {
		List<Lease> victims = new ArrayList<>();
		lock.lock();
		try {
			long now = clock.getAsLong();
			for (Lease l : leases.values()) {
				if (l.evictableNow() && l.request.idleTtl() != null && now - l.lastUsed > l.request.idleTtl().toNanos()) {
					victims.add(l);
				}
			}
			if (!victims.isEmpty()) {
				evictUnlocking(victims);
				changed.signalAll();
			}
		} finally {
			lock.unlock();
		}
		victims.forEach(v -> events.fire(DeviceEvent.Type.LEASE_EVICTED, v));
		return victims.size();
	}

	private long budgetLocked() {
		long now = System.nanoTime();
		if (driverPollNanos == 0 || now - driverReadAt > driverPollNanos) {
			driverFreeRead = driverFree.getAsLong();
			driverReadAt = now;
			allocatedSinceRead = 0;
		}
		long driverTerm = driverFreeRead - allocatedSinceRead - promised;
		long bookTerm = device.totalBytes() - headroom - granted;
		return Math.max(0, Math.min(driverTerm, bookTerm));
	}

	private Lease grantLocked(LeaseOwner owner, LeaseRequest request, long bytes) {
		Lease lease = new Lease(IDS.incrementAndGet(), owner, request, bytes, clock.getAsLong());
		leases.put(lease.id, lease);
		granted += bytes;
		promised += bytes;
		verifyLocked();
		return lease;
	}

	/**
	 * Idle evictable leases this request may take, least recently used first: enough for the whole request if
	 * that is possible, else for its minimum; none when even all of them would not do.
	 */
	private List<Lease> victimsLocked(LeaseRequest request, long budget) {
		List<Lease> candidates = leases.values().stream()
				.filter(l -> l.evictableNow() && request.priority().mayEvict(l.priority()))
				.sorted(Comparator.comparingLong((Lease l) -> l.lastUsed).thenComparingLong(l -> l.id)).toList();
		for (long need : new long[] { request.bytes() - budget, request.minBytes() - budget }) {
			List<Lease> chosen = new ArrayList<>();
			long freed = 0;
			for (Lease l : candidates) {
				if (freed >= need) {
					break;
				}
				chosen.add(l);
				freed += l.bytes;
			}
			if (freed >= need) {
				return chosen;
			}
		}
		return List.of();
	}

	/** Runs the victims' eviction callbacks without the lock (owners may block), then takes their bytes back. */
	private void evictUnlocking(List<Lease> victims) {
		victims.forEach(v -> v.evicting = true);
		lock.unlock();
		try {
			for (Lease v : victims) {
				v.runEvictionCallbacks();
			}
		} finally {
			lock.lock();
		}
		for (Lease v : victims) {
			finishLocked(v, LeaseState.EVICTED);
		}
	}

	private boolean finishLocked(Lease lease, LeaseState end) {
		if (lease.state != LeaseState.GRANTED) {
			return false;
		}
		lease.state = end;
		leases.remove(lease.id);
		granted -= lease.bytes;
		promised -= lease.bytes - lease.allocated;
		changed.signalAll();
		verifyLocked();
		return true;
	}

	void release(Lease lease) {
		boolean released;
		lock.lock();
		try {
			// an evicting lease ends evicted once its callbacks return, whoever closes it meanwhile
			released = !lease.evicting && finishLocked(lease, LeaseState.RELEASED);
		} finally {
			lock.unlock();
		}
		if (released) {
			lease.runReclaimers();
			events.fire(DeviceEvent.Type.LEASE_RELEASED, lease);
		}
	}

	private void verifyLocked() {
		if (!checkInvariants) {
			return;
		}
		long sumGranted = 0;
		long sumPromised = 0;
		for (Lease l : leases.values()) {
			sumGranted += l.bytes;
			sumPromised += l.bytes - l.allocated;
			if (l.allocated < 0 || l.allocated > l.bytes) {
				throw new AssertionError("lease " + l.id + " allocated " + l.allocated + " of " + l.bytes);
			}
		}
		if (sumGranted != granted || sumPromised != promised) {
			throw new AssertionError("books disagree: granted " + granted + " vs " + sumGranted + ", promised " + promised + " vs " + sumPromised);
		}
		if (granted > device.totalBytes() - headroom) {
			throw new AssertionError("granted " + granted + " exceeds total − headroom " + (device.totalBytes() - headroom));
		}
	}

	private String explain(LeaseOwner owner, LeaseRequest request, String why) {
		lock.lock();
		try {
			String held = leases.isEmpty() ? "nothing is leased"
					: "held: " + leases.values().stream().map(Lease::describe).collect(Collectors.joining(", "));
			return device.id() + " (" + device.name() + "): " + owner + " asked for " + Bytes.format(request.bytes())
					+ (request.minBytes() < request.bytes() ? " (at least " + Bytes.format(request.minBytes()) + ")" : "") + "; " + why
					+ ". Budget now " + Bytes.format(budgetLocked()) + " of " + Bytes.format(device.totalBytes()) + " (driver free "
					+ Bytes.format(driverFree.getAsLong()) + ", headroom " + Bytes.format(headroom) + "); " + held + ".";
		} finally {
			lock.unlock();
		}
	}

	private record Waiter(Priority priority, long seq) {
	}

	/** A granted lease. Its mutable fields are guarded by the arbiter's lock. */
	public final class Lease implements VramLease {
		private final long id;
		private final LeaseOwner owner;
		private final LeaseRequest request;
		private final long bytes;
		private final List<Runnable> reclaimers = new CopyOnWriteArrayList<>();
		private volatile LeaseState state = LeaseState.GRANTED;
		private volatile boolean pinned;
		private boolean evicting;
		private int busy;
		private long lastUsed;
		/** Written under the lock; volatile so that {@link #allocatedBytes()} reads it whole without it. */
		private volatile long allocated;

		Lease(long id, LeaseOwner owner, LeaseRequest request, long bytes, long now) {
			this.id = id;
			this.owner = owner;
			this.request = request;
			this.bytes = bytes;
			this.pinned = request.pinned();
			this.lastUsed = now;
		}

		boolean evictableNow() {
			return state == LeaseState.GRANTED && request.evictable() && !pinned && busy == 0 && !evicting;
		}

		/** Frees what is still allocated under the lease (buffers its holder did not close), after it ended. */
		public void addReclaimer(Runnable reclaimer) {
			reclaimers.add(reclaimer);
		}

		void runEvictionCallbacks() {
			try {
				request.evictor().evict(this);
			} catch (RuntimeException e) {
				System.getLogger(Arbiter.class.getName()).log(System.Logger.Level.WARNING,
						"eviction callback of lease " + id + " (" + owner + ") failed; its memory is taken anyway", e);
			}
			runReclaimers();
		}

		void runReclaimers() {
			for (Runnable r : reclaimers) {
				r.run();
			}
		}

		/** Counts {@code n} more bytes as allocated under this lease, or refuses with the numbers. */
		public void allocate(long n) {
			lock.lock();
			try {
				if (state != LeaseState.GRANTED) {
					throw new IllegalStateException("lease " + id + " of " + owner + " was " + state.name().toLowerCase());
				}
				if (n > bytes - allocated) {
					throw new IllegalStateException("lease " + id + " of " + owner + " on " + device.id() + " has "
							+ Bytes.format(bytes - allocated) + " of " + Bytes.format(bytes) + " left; asked for " + Bytes.format(n));
				}
				allocated += n;
				promised -= n;
				allocatedSinceRead += n;
				verifyLocked();
			} finally {
				lock.unlock();
			}
		}

		@Override
		public Foreign recordForeign(long n) {
			if (n <= 0) {
				throw new IllegalArgumentException("foreign bytes must be positive, not " + n);
			}
			allocate(n);
			return new Foreign() {
				private boolean closed;

				@Override
				public long bytes() {
					return n;
				}

				@Override
				public synchronized void close() {
					if (!closed) {
						closed = true;
						free(n);
					}
				}
			};
		}

		/** Returns {@code n} allocated bytes to the lease. */
		public void free(long n) {
			lock.lock();
			try {
				allocated -= n;
				allocatedSinceRead -= n;
				if (state == LeaseState.GRANTED) {
					promised += n;
				}
				verifyLocked();
			} finally {
				lock.unlock();
			}
		}

		String describe() {
			return owner + " " + Bytes.format(bytes) + " (" + request.priority().name().toLowerCase()
					+ (pinned ? ", pinned" : "") + (busy > 0 ? ", busy" : "") + (!request.evictable() ? ", not evictable" : "") + ")";
		}

		@Override
		public long id() {
			return id;
		}

		@Override
		public String deviceId() {
			return device.id();
		}

		@Override
		public LeaseOwner owner() {
			return owner;
		}

		@Override
		public Priority priority() {
			return request.priority();
		}

		@Override
		public long bytes() {
			return bytes;
		}

		@Override
		public long requestedBytes() {
			return request.bytes();
		}

		@Override
		public long allocatedBytes() {
			return allocated;
		}

		@Override
		public LeaseState state() {
			return state;
		}

		@Override
		public boolean evictable() {
			return request.evictable();
		}

		@Override
		public boolean pinned() {
			return pinned;
		}

		@Override
		public void setPinned(boolean pin) {
			lock.lock();
			try {
				pinned = pin;
				changed.signalAll();
			} finally {
				lock.unlock();
			}
		}

		@Override
		public Duration idleTtl() {
			return request.idleTtl();
		}

		@Override
		public boolean busy() {
			lock.lock();
			try {
				return busy > 0;
			} finally {
				lock.unlock();
			}
		}

		@Override
		public Use use() {
			lock.lock();
			try {
				if (state != LeaseState.GRANTED || evicting) {
					throw new IllegalStateException("lease " + id + " of " + owner + " on " + device.id() + " was "
							+ (evicting ? "evicted" : state.name().toLowerCase()));
				}
				busy++;
			} finally {
				lock.unlock();
			}
			return new Use() {
				private boolean closed;

				@Override
				public void close() {
					lock.lock();
					try {
						if (!closed) {
							closed = true;
							busy--;
							lastUsed = clock.getAsLong();
							changed.signalAll();
						}
					} finally {
						lock.unlock();
					}
				}
			};
		}

		@Override
		public void close() {
			release(this);
		}

		@Override
		public String toString() {
			return "lease " + id + " " + describe() + " on " + device.id() + " " + state;
		}
	}
}
