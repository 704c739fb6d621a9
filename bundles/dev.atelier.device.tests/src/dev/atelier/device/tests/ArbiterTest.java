package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Device;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.Priority;
import dev.atelier.device.VramLease;
import dev.atelier.device.internal.Arbiter;
import dev.atelier.testing.ManualClock;
import dev.atelier.testing.devices.TestDevices;

/** The arbitration policy, rule by rule, on a 24 GiB device with 1 GiB headroom and a driver the test controls. */
class ArbiterTest {

	private static final long GIB = 1L << 30;
	private static final String SD = "dev.atelier.diffusion";
	private static final String LLM = "dev.atelier.llm";

	private final ManualClock clock = new ManualClock();
	private final AtomicLong driverFree = new AtomicLong(24 * GIB);
	private final List<String> events = new CopyOnWriteArrayList<>();
	private final Device device = TestDevices.simulated("test", 24 * GIB);
	private final Arbiter arbiter = new Arbiter(device, driverFree::get, 0, GIB, clock,
			(type, lease) -> events.add(type + " " + lease.owner().client()));

	{
		arbiter.checkInvariants(true);
	}

	private static LeaseRequest req(String client, long gib) {
		return LeaseRequest.of(client, gib * GIB).withTimeout(Duration.ZERO);
	}

	@Test
	void grantsWithinTheBudgetAndReleaseGivesTheBytesBack() throws Exception {
		VramLease a = arbiter.acquire(SD, req("a", 10));
		assertEquals(10 * GIB, a.bytes());
		assertEquals(13 * GIB, arbiter.budget(), "24 − 1 headroom − 10 granted");
		a.close();
		a.close();
		assertEquals(LeaseState.RELEASED, a.state());
		assertEquals(23 * GIB, arbiter.budget());
		assertEquals(List.of("LEASE_GRANTED a", "LEASE_RELEASED a"), events);
	}

	@Test
	void budgetFollowsTheDriverWhenOtherProgramsTakeMemory() throws Exception {
		driverFree.set(15 * GIB); // a game took 9 GiB
		assertEquals(15 * GIB, arbiter.budget());
		Arbiter.Lease a = arbiter.acquire(SD, req("a", 10));
		assertEquals(5 * GIB, arbiter.budget(), "the 10 GiB granted but not allocated are promised");
		a.allocate(4 * GIB);
		driverFree.addAndGet(-4 * GIB); // the driver now sees the allocation
		assertEquals(5 * GIB, arbiter.budget(), "allocating under a lease does not change the budget");
		driverFree.set(24 * GIB - 4 * GIB); // the game quit
		assertEquals(13 * GIB, arbiter.budget(), "then the book term (24 − 1 − 10) is the smaller one");
	}

	@Test
	void memoryAForeignAllocatorTookForALeaseIsNotCountedTwice() throws Exception {
		VramLease onnx = arbiter.acquire(SD, req("onnx", 10));
		assertEquals(13 * GIB, arbiter.budget(), "24 − 1 headroom − 10 granted");
		// ONNX Runtime's CUDA provider allocates 6 GiB for the lease's sessions behind the device service's back
		driverFree.addAndGet(-6 * GIB);
		assertEquals(8 * GIB, arbiter.budget(), "unrecorded, the 6 GiB are missing from the driver and still promised: 18 − 10");
		VramLease.Foreign sessions = onnx.recordForeign(6 * GIB);
		assertEquals(6 * GIB, sessions.bytes());
		assertEquals(6 * GIB, onnx.allocatedBytes(), "foreign bytes count as allocated under the lease");
		assertEquals(13 * GIB, arbiter.budget(), "recorded, they count once: min(18 − 4 promised, 24 − 1 − 10)");
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> onnx.recordForeign(5 * GIB));
		assertTrue(e.getMessage().contains("has 4.0 GiB of 10.0 GiB left; asked for 5.0 GiB"), e.getMessage());

		// the provider gives the memory back: the lease promises it again
		driverFree.addAndGet(6 * GIB);
		sessions.close();
		sessions.close();
		assertEquals(13 * GIB, arbiter.budget(), "24 − 10 promised, and the book term");
		onnx.close();
		assertEquals(23 * GIB, arbiter.budget());
		assertThrows(IllegalStateException.class, () -> onnx.recordForeign(GIB), "a released lease records nothing");
	}

	@Test
	void partialGrantGivesWhatIsLeftWhenTheMinimumFits() throws Exception {
		arbiter.acquire(SD, req("a", 20));
		VramLease b = arbiter.acquire(LLM, req("b", 8).withMinBytes(2 * GIB));
		assertEquals(3 * GIB, b.bytes());
		assertEquals(8 * GIB, b.requestedBytes());
		assertThrows(LeaseRefusedException.class, () -> arbiter.acquire(LLM, req("c", 8).withMinBytes(GIB)));
	}

	@Test
	void requestThatCanNeverFitIsRefusedAtOnceWithTheNumbers() throws Exception {
		arbiter.acquire(LLM, req("kv", 4));
		LeaseRefusedException e = assertThrows(LeaseRefusedException.class,
				() -> arbiter.acquire(SD, req("sdxl", 30).withTimeout(Duration.ofMinutes(5))));
		assertTrue(e.never(), "refused without waiting: a refusal after waiting could fit later, so is never 'never'");
		String m = e.getMessage();
		for (String part : List.of("sim:test", "dev.atelier.diffusion/sdxl", "30.0 GiB", "it can never fit", "23.0 GiB", "headroom 1.0 GiB",
				"dev.atelier.llm/kv 4.0 GiB")) {
			assertTrue(m.contains(part), "'" + part + "' in: " + m);
		}
	}

	@Test
	void timedOutRequestExplainsWhoHoldsWhat() throws Exception {
		VramLease held = arbiter.acquire(LLM, req("weights", 20).withPinned(true));
		LeaseRefusedException e = assertThrows(LeaseRefusedException.class,
				() -> arbiter.acquire(SD, req("unet", 8).withTimeout(Duration.ofMillis(30))));
		assertFalse(e.never());
		assertTrue(e.getMessage().contains("no memory came free within 30 ms"), e.getMessage());
		assertTrue(e.getMessage().contains("dev.atelier.llm/weights 20.0 GiB (normal, pinned, not evictable)"), e.getMessage());
		assertEquals(LeaseState.GRANTED, held.state());
	}

	@Test
	void waitersAreServedHigherPriorityFirstAndFifoWithinAPriority() throws Exception {
		VramLease all = arbiter.acquire(SD, req("all", 23));
		List<String> order = new CopyOnWriteArrayList<>();
		List<Thread> threads = new ArrayList<>();
		String[][] arrivals = { { "bg1", "BACKGROUND" }, { "n1", "NORMAL" }, { "i1", "INTERACTIVE" }, { "n2", "NORMAL" },
				{ "i2", "INTERACTIVE" }, { "bg2", "BACKGROUND" } };
		for (String[] a : arrivals) {
			Thread t = Thread.ofPlatform().start(() -> {
				try (VramLease l = arbiter.acquire(LLM, req(a[0], 23).withPriority(Priority.valueOf(a[1])).withTimeout(Duration.ofSeconds(20)))) {
					order.add(l.owner().client());
				} catch (Exception e) {
					order.add("failed " + a[0] + ": " + e);
				}
			});
			threads.add(t);
			waitUntilQueued(threads.size());
		}
		all.close();
		for (Thread t : threads) {
			t.join(20_000);
		}
		assertEquals(List.of("i1", "i2", "n1", "n2", "bg1", "bg2"), order);
	}

	/** Waiting threads park in the arbiter's condition; wait until the given number are parked. */
	private void waitUntilQueued(int n) throws InterruptedException {
		for (int i = 0; i < 200 && waiting() < n; i++) {
			Thread.sleep(5);
		}
		assertEquals(n, waiting());
	}

	private long waiting() {
		return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getState() == Thread.State.TIMED_WAITING)
				.filter(t -> java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(Arbiter.class.getName())))
				.count();
	}

	@Test
	void evictsIdleEvictableLeasesLeastRecentlyUsedFirstAndOnlyAsManyAsNeeded() throws Exception {
		List<String> unloaded = new CopyOnWriteArrayList<>();
		LeaseRequest.EvictionHandler unload = l -> {
			assertEquals(LeaseState.GRANTED, l.state(), "the owner unloads before its bytes are taken");
			unloaded.add(l.owner().client());
		};
		VramLease old = arbiter.acquire(SD, req("old", 6).evictable(unload));
		clock.advance(Duration.ofSeconds(1));
		VramLease middle = arbiter.acquire(SD, req("middle", 6).evictable(unload));
		clock.advance(Duration.ofSeconds(1));
		VramLease recent = arbiter.acquire(SD, req("recent", 6).evictable(unload));
		clock.advance(Duration.ofSeconds(1));
		try (VramLease.Use use = old.use()) {
			// using "old" makes it the most recently used
		}
		VramLease big = arbiter.acquire(LLM, req("big", 14)); // budget 5: needs two 6 GiB victims
		assertEquals(List.of("middle", "recent"), unloaded);
		assertEquals(LeaseState.EVICTED, middle.state());
		assertEquals(LeaseState.EVICTED, recent.state());
		assertEquals(LeaseState.GRANTED, old.state());
		assertEquals(14 * GIB, big.bytes());
		assertTrue(events.contains("LEASE_EVICTED middle") && events.contains("LEASE_EVICTED recent"), events.toString());
		assertThrows(IllegalStateException.class, middle::use, "an evicted lease cannot be used");
	}

	@Test
	void pinnedAndBusyLeasesAreNeverEvicted() throws Exception {
		LeaseRequest.EvictionHandler unload = l -> {
		};
		VramLease pinned = arbiter.acquire(SD, req("pinned", 10).evictable(unload).withPinned(true));
		VramLease busy = arbiter.acquire(SD, req("busy", 10).evictable(unload));
		try (VramLease.Use use = busy.use()) {
			assertThrows(LeaseRefusedException.class, () -> arbiter.acquire(LLM, req("big", 10)));
		}
		assertEquals(LeaseState.GRANTED, pinned.state());
		assertEquals(LeaseState.GRANTED, busy.state());
		pinned.setPinned(false);
		assertEquals(10 * GIB, arbiter.acquire(LLM, req("big", 10)).bytes(), "now idle and unpinned, one may go");
	}

	@Test
	void lowerPriorityCannotEvictHigherPriority() throws Exception {
		arbiter.acquire(SD, req("preview", 20).withPriority(Priority.INTERACTIVE).evictable(l -> {
		}));
		assertThrows(LeaseRefusedException.class, () -> arbiter.acquire(LLM, req("batch", 10).withPriority(Priority.BACKGROUND)));
		assertEquals(10 * GIB, arbiter.acquire(LLM, req("chat", 10).withPriority(Priority.INTERACTIVE)).bytes());
	}

	@Test
	void evictNowTakesOnlyIdleEvictableUnpinnedLeases() throws Exception {
		List<String> unloaded = new CopyOnWriteArrayList<>();
		Arbiter.Lease evictable = arbiter.acquire(SD, req("cache", 2).evictable(l -> unloaded.add(l.owner().client())));
		Arbiter.Lease plain = arbiter.acquire(SD, req("plain", 2));
		try (VramLease.Use use = evictable.use()) {
			assertFalse(arbiter.evictNow(evictable), "busy");
		}
		assertFalse(arbiter.evictNow(plain), "not evictable");
		assertTrue(arbiter.evictNow(evictable));
		assertEquals(List.of("cache"), unloaded);
		assertEquals(LeaseState.EVICTED, evictable.state());
		assertFalse(arbiter.evictNow(evictable), "already gone");
		assertEquals(2 * GIB, arbiter.grantedBytes());
	}

	@Test
	void aHolderThatClosesItsLeaseInItsEvictionCallbackLeavesItEvicted() throws Exception {
		List<LeaseState> seen = new CopyOnWriteArrayList<>();
		Arbiter.Lease model = arbiter.acquire(LLM, req("model", 4).evictable(l -> {
			// a holder that closes all it holds, its lease too, the way it closes on its own
			l.close();
			seen.add(l.state());
		}));
		assertTrue(arbiter.evictNow(model));
		assertEquals(List.of(LeaseState.GRANTED), seen, "the close does not end a lease being evicted");
		assertEquals(LeaseState.EVICTED, model.state());
		assertEquals(List.of("LEASE_GRANTED model", "LEASE_EVICTED model"), events);
		assertEquals(0, arbiter.grantedBytes());
	}

	@Test
	void idleLeasesPastTheirTimeToLiveAreEvicted() throws Exception {
		VramLease ttl = arbiter.acquire(SD, req("cache", 4).evictable(l -> {
		}).withIdleTtl(Duration.ofMinutes(5)));
		VramLease forever = arbiter.acquire(SD, req("keep", 4).evictable(l -> {
		}));
		clock.advance(Duration.ofMinutes(4));
		assertEquals(0, arbiter.evictExpired());
		clock.advance(Duration.ofMinutes(2));
		assertEquals(1, arbiter.evictExpired());
		assertEquals(LeaseState.EVICTED, ttl.state());
		assertEquals(LeaseState.GRANTED, forever.state());
	}

	@Test
	void interruptedWaiterLeavesTheQueueAndTheNextOneIsServed() throws Exception {
		VramLease all = arbiter.acquire(SD, req("all", 23));
		List<Object> outcome = new CopyOnWriteArrayList<>();
		Thread first = Thread.ofPlatform().start(() -> {
			try {
				arbiter.acquire(LLM, req("first", 20).withTimeout(Duration.ofSeconds(20)));
			} catch (Exception e) {
				outcome.add(e.getClass().getSimpleName());
			}
		});
		waitUntilQueued(1);
		CountDownLatch granted = new CountDownLatch(1);
		Thread second = Thread.ofPlatform().start(() -> {
			try (VramLease l = arbiter.acquire(LLM, req("second", 20).withTimeout(Duration.ofSeconds(20)))) {
				granted.countDown();
			} catch (Exception e) {
				outcome.add(e);
			}
		});
		waitUntilQueued(2);
		first.interrupt();
		first.join(5000);
		all.close();
		assertTrue(granted.await(5, TimeUnit.SECONDS), "the second waiter was woken: " + outcome);
		second.join(5000);
		assertEquals(List.of("InterruptedException"), outcome);
	}

	@Test
	void allocationsCountAgainstTheLeaseAndStopAtItsSize() throws Exception {
		Arbiter.Lease lease = arbiter.acquire(SD, req("a", 2));
		lease.allocate(GIB);
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> lease.allocate(2 * GIB));
		assertTrue(e.getMessage().contains("has 1.0 GiB of 2.0 GiB left; asked for 2.0 GiB"), e.getMessage());
		lease.free(GIB);
		lease.allocate(2 * GIB);
	}

	@Test
	void deviceEventTypesAreReportedInOrder() throws Exception {
		VramLease a = arbiter.acquire(SD, req("a", 20).evictable(l -> {
		}));
		arbiter.acquire(LLM, req("b", 20));
		assertEquals(LeaseState.EVICTED, a.state());
		assertEquals(List.of("LEASE_GRANTED a", "LEASE_EVICTED a", "LEASE_GRANTED b"), events);
	}
}
