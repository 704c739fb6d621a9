package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.Priority;
import dev.atelier.device.VramLease;
import dev.atelier.device.internal.Arbiter;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.testing.Services;
import dev.atelier.testing.devices.FakeGpu;

/**
 * 64 threads, 10,000 random operations each, on a simulated 24 GiB RTX 4090: acquire (all priorities, partial,
 * evictable, pinned), allocate under the lease, use, release. The arbiter re-adds its books on every change;
 * a watcher checks that grants never exceed total − headroom and that the device never over-allocates.
 */
class ArbiterStressTest {

	private static final int THREADS = 64;
	private static final int OPERATIONS = 10_000;
	private static final long MIB = 1L << 20;

	@Test
	void grantsStayWithinTheBudgetWithoutDeadlockOrLostWakeUp() throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		FakeGpu gpu = FakeGpu.of("rtx4090", 24L << 30);
		registry.add(gpu, null);
		Arbiter arbiter = registry.entry("sim:rtx4090").arbiter();
		arbiter.checkInvariants(true);
		DeviceService service = BundleDeviceService.forBundle(registry, "stress");
		long ceiling = gpu.device().totalBytes() - arbiter.headroom();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong samples = new AtomicLong();
		Thread watcher = Thread.ofPlatform().start(() -> {
			while (running.get()) {
				long granted = arbiter.grantedBytes();
				if (granted > ceiling || gpu.freeBytes() < 0) {
					failures.add(new AssertionError("granted " + granted + " > " + ceiling + " or free " + gpu.freeBytes()));
				}
				samples.incrementAndGet();
				Thread.onSpinWait();
			}
		});
		AtomicLong granted = new AtomicLong();
		AtomicLong refused = new AtomicLong();
		CountDownLatch done = new CountDownLatch(THREADS);
		for (int t = 0; t < THREADS; t++) {
			long seed = 42 + t;
			Thread.ofPlatform().name("stress-" + t).start(() -> {
				Random random = new Random(seed);
				List<VramLease> held = new ArrayList<>();
				try {
					for (int i = 0; i < OPERATIONS; i++) {
						int op = random.nextInt(10);
						if (op < 5 || held.isEmpty()) {
							long bytes = (64 + random.nextInt(4096)) * MIB;
							LeaseRequest r = LeaseRequest.of("t" + seed, bytes)
									.withPriority(Priority.values()[random.nextInt(3)])
									.withTimeout(random.nextInt(4) == 0 ? Duration.ofMillis(2) : Duration.ZERO);
							if (random.nextBoolean()) {
								r = r.withMinBytes(Math.max(1, bytes / 4));
							}
							if (random.nextInt(3) > 0) {
								r = r.evictable(l -> {
								});
							}
							r = r.withPinned(random.nextInt(10) == 0);
							try {
								VramLease lease = service.acquire("sim:rtx4090", r);
								granted.incrementAndGet();
								held.add(lease);
								if (random.nextBoolean()) {
									work(service, lease, random);
								}
							} catch (LeaseRefusedException e) {
								refused.incrementAndGet();
							}
						} else if (op < 8) {
							held.remove(random.nextInt(held.size())).close();
						} else {
							VramLease lease = held.get(random.nextInt(held.size()));
							work(service, lease, random);
						}
						held.removeIf(l -> l.state() != LeaseState.GRANTED);
					}
				} catch (Throwable e) {
					failures.add(e);
				} finally {
					held.forEach(VramLease::close);
					done.countDown();
				}
			});
		}
		boolean finished = done.await(5, TimeUnit.MINUTES);
		running.set(false);
		watcher.join();
		assertTrue(finished, "all threads finished (no deadlock)");
		assertEquals(List.of(), failures);
		assertTrue(granted.get() > 10_000 && refused.get() > 0, "both paths ran: " + granted + " granted, " + refused + " refused");
		assertTrue(samples.get() > 100, "the watcher sampled");
		assertEquals(0, arbiter.grantedBytes(), "nothing left open");
		assertTrue(arbiter.leases().isEmpty());
		assertEquals(0, gpu.allocatedBytes(), "every allocation was freed");

		// No lost wake-up: a waiter whose timeout never comes gets memory when it comes free.
		VramLease all = service.acquire("sim:rtx4090", LeaseRequest.of("all", ceiling));
		CountDownLatch got = new CountDownLatch(1);
		Thread waiter = Thread.ofPlatform().start(() -> {
			try (VramLease l = service.acquire("sim:rtx4090", LeaseRequest.of("late", ceiling).withTimeout(Duration.ofDays(1)))) {
				got.countDown();
			} catch (Exception e) {
				failures.add(e);
			}
		});
		Thread.sleep(100);
		assertFalse(got.await(0, TimeUnit.MILLISECONDS));
		all.close();
		assertTrue(got.await(Services.DEFAULT_TIMEOUT_MS, TimeUnit.MILLISECONDS), "the waiter was woken");
		waiter.join();
		assertEquals(List.of(), failures);
		registry.shutdown();
	}

	/** Allocates under the lease, unless another thread's request evicted it first (then use() refuses). */
	private static void work(DeviceService service, VramLease lease, Random random) {
		VramLease.Use use;
		try {
			use = lease.use();
		} catch (IllegalStateException evicted) {
			assertTrue(lease.state() != LeaseState.GRANTED || evicted.getMessage().contains("evicted"), evicted.getMessage());
			return;
		}
		try (use; ComputeContext ctx = service.openContext(lease)) {
			long size = Math.max(1, lease.bytes() / (1 + random.nextInt(4)));
			try (DeviceBuffer buffer = ctx.allocate(size)) {
				assertEquals(size, ctx.allocatedBytes());
				if (random.nextBoolean()) {
					return; // the context closes the buffer
				}
			}
		}
	}
}
