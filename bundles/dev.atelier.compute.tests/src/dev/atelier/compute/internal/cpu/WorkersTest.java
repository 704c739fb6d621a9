package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The CPU backend's own threads: every task of every operation exactly once, failures to the caller, nothing after close. */
class WorkersTest {

	@Test
	void everyTaskOfEveryOperationRunsExactlyOnce() {
		try (Workers workers = new Workers(4, "test")) {
			for (int op = 0; op < 2000; op++) {
				int tasks = 1 + op % 13;
				AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
				workers.run(tasks, runs::incrementAndGet);
				int[] expected = new int[tasks];
				Arrays.fill(expected, 1);
				int[] actual = new int[tasks];
				for (int i = 0; i < tasks; i++) {
					actual[i] = runs.get(i);
				}
				assertArrayEquals(expected, actual, "operation " + op);
			}
		}
	}

	@Test
	void tasksRunOnTheWorkersAsWellAsTheCaller() {
		try (Workers workers = new Workers(3, "test")) {
			Set<Thread> seen = ConcurrentHashMap.newKeySet();
			// tasks that wait for one another can only finish when three threads take them at once
			CyclicBarrier all = new CyclicBarrier(3);
			workers.run(3, i -> {
				seen.add(Thread.currentThread());
				try {
					all.await(1, TimeUnit.MINUTES); // a deadlock fails instead of hanging the suite
				} catch (Exception e) {
					throw new IllegalStateException(e);
				}
			});
			assertEquals(3, seen.size());
		}
	}

	@Test
	void aTaskFailureReachesTheCallerAfterTheOtherTasksFinish() {
		try (Workers workers = new Workers(2, "test")) {
			AtomicIntegerArray runs = new AtomicIntegerArray(8);
			IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> workers.run(8, i -> {
				runs.incrementAndGet(i);
				if (i == 5) {
					throw new IllegalArgumentException("task 5");
				}
			}));
			assertEquals("task 5", thrown.getMessage());
			for (int i = 0; i < 8; i++) {
				assertEquals(1, runs.get(i), "task " + i);
			}
			AtomicIntegerArray after = new AtomicIntegerArray(4);
			workers.run(4, after::incrementAndGet);
			assertEquals(4, IntStream.range(0, 4).map(after::get).sum(), "the threads still work after a failure");
		}
	}

	@Test
	void aClosedPoolRefusesWork() {
		Workers workers = new Workers(2, "test");
		workers.close();
		assertThrows(IllegalStateException.class, () -> workers.run(2, i -> {
		}));
	}
}
