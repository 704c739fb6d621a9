package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.atelier.core.internal.ExecutorJobService;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobState;

class ExecutorJobServiceTest {

	private final ExecutorJobService jobs = new ExecutorJobService();

	@AfterEach
	void stop() {
		jobs.shutdown();
	}

	@Test
	void jobReportsProgressAndItsResult() throws Exception {
		List<Double> seen = new CopyOnWriteArrayList<>();
		jobs.addListener(job -> seen.add(job.progress()));
		JobHandle<String> handle = jobs.submit("count", ctx -> {
			ctx.begin("counting", 4);
			for (int i = 0; i < 4; i++) {
				ctx.worked(1);
			}
			return "done";
		});
		assertEquals("done", handle.result().get(10, TimeUnit.SECONDS));
		assertEquals(JobState.SUCCEEDED, handle.state());
		assertEquals(1.0, handle.progress());
		assertTrue(seen.containsAll(List.of(0.25, 0.5, 0.75, 1.0)), seen.toString());
		assertTrue(jobs.active().isEmpty());
	}

	@Test
	void cancelledRunningJobEndsCancelled() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		JobHandle<Void> handle = jobs.submit("loop", ctx -> {
			ctx.begin("spinning", -1);
			started.countDown();
			while (true) {
				ctx.checkCancelled();
				Thread.onSpinWait();
			}
		});
		assertTrue(started.await(10, TimeUnit.SECONDS));
		assertEquals(JobState.RUNNING, handle.state());
		assertTrue(Double.isNaN(handle.progress()), "unknown amount of work");
		handle.cancel();
		ExecutionException e = assertThrows(ExecutionException.class, () -> handle.result().get(10, TimeUnit.SECONDS));
		assertInstanceOf(JobCancelledException.class, e.getCause());
		assertEquals(JobState.CANCELLED, handle.state());
	}

	@Test
	void queuedJobCancelledBeforeItStartsNeverRuns() throws Exception {
		ExecutorJobService single = new ExecutorJobService(Executors.newSingleThreadExecutor());
		try {
			CountDownLatch release = new CountDownLatch(1);
			JobHandle<Void> blocker = single.submit("blocker", ctx -> {
				release.await();
				return null;
			});
			boolean[] ran = { false };
			JobHandle<Void> queued = single.submit("queued", ctx -> {
				ran[0] = true;
				return null;
			});
			assertEquals(JobState.QUEUED, queued.state());
			queued.cancel();
			assertEquals(JobState.CANCELLED, queued.state(), "a queued job ends at once when cancelled");
			release.countDown();
			blocker.result().get(10, TimeUnit.SECONDS);
			assertThrows(ExecutionException.class, () -> queued.result().get(10, TimeUnit.SECONDS));
			assertEquals(JobState.CANCELLED, queued.state());
			assertEquals(false, ran[0]);
		} finally {
			single.shutdown();
		}
	}

	@Test
	void failingJobEndsFailedWithItsException() {
		JobHandle<Void> handle = jobs.submit("bad", ctx -> {
			throw new IllegalStateException("model file broken.onnx is truncated");
		});
		ExecutionException e = assertThrows(ExecutionException.class, () -> handle.result().get(10, TimeUnit.SECONDS));
		assertEquals("model file broken.onnx is truncated", e.getCause().getMessage());
		assertEquals(JobState.FAILED, handle.state());
	}

	@Test
	void exitCancelsRunningJobsAndRecordsThemCancelledOnce() throws Exception {
		List<JobState> ends = new CopyOnWriteArrayList<>();
		jobs.addListener(job -> {
			if (job.state().isDone()) {
				ends.add(job.state());
			}
		});
		CountDownLatch started = new CountDownLatch(2);
		JobHandle<Void> polite = jobs.submit("checks", ctx -> {
			started.countDown();
			while (true) {
				ctx.checkCancelled();
				Thread.onSpinWait();
			}
		});
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch stubbornEnded = new CountDownLatch(1);
		JobHandle<Void> stubborn = jobs.submit("ignores", ctx -> {
			started.countDown();
			try {
				while (never.getCount() > 0) {
					try {
						never.await();
					} catch (InterruptedException e) {
						// a job that does not listen
					}
				}
				return null;
			} finally {
				stubbornEnded.countDown();
			}
		});
		assertTrue(started.await(10, TimeUnit.SECONDS));
		jobs.cancelForExit(java.time.Duration.ZERO);
		assertEquals(JobState.CANCELLED, polite.state());
		assertEquals(JobState.CANCELLED, stubborn.state(), "ended as cancelled though its thread still runs");
		never.countDown();
		assertTrue(stubbornEnded.await(10, TimeUnit.SECONDS));
		assertEquals(JobState.CANCELLED, stubborn.state(), "its late end changes nothing");
		polite.result().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
		assertEquals(List.of(JobState.CANCELLED, JobState.CANCELLED), ends, "each end heard once");
	}
}
