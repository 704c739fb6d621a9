package dev.atelier.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.model.WorkspaceStore;
import dev.atelier.model.internal.FileWorkspaceManager;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.Project;
import dev.atelier.model.workspace.Workspace;
import dev.atelier.model.workspace.WorkspaceFactory;

/**
 * One workspace folder used by several processes at once. Each {@link FileWorkspaceManager} here has its own model in
 * memory, as a separate process has; the product test JobsIT runs real processes.
 */
class SharedWorkspaceTest {

	@TempDir
	Path dir;

	private Path file() {
		return dir.resolve("workspace.xmi");
	}

	private static JobRecord record(String id, long start) {
		JobRecord r = WorkspaceFactory.eINSTANCE.createJobRecord();
		r.setId(id);
		r.setKind("render " + id);
		r.setStart(new Date(start));
		r.setEnd(new Date(start + 1));
		r.setStatus(JobStatus.SUCCEEDED);
		return r;
	}

	@Test
	void writersWithStaleModelsKeepEveryOnesRecords() throws Exception {
		int writers = 8;
		int each = 5;
		List<FileWorkspaceManager> managers = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			managers.add(FileWorkspaceManager.at(file())); // all opened before anyone writes: every model is stale
		}
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<?>> done = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			FileWorkspaceManager manager = managers.get(w);
			int writer = w;
			done.add(pool.submit(() -> {
				go.await();
				for (int i = 0; i < each; i++) {
					JobRecord r = record("w" + writer + "-" + i, 1000L * i + writer);
					manager.update(ws -> ws.getJobs().add(r));
				}
				return null;
			}));
		}
		go.countDown();
		for (Future<?> f : done) {
			f.get();
		}
		pool.shutdown();

		Set<String> ids = FileWorkspaceManager.at(file()).read(ws -> ws.getJobs().stream().map(JobRecord::getId).collect(Collectors.toSet()));
		assertEquals(writers * each, ids.size(), ids.toString());
		assertEquals(writers * each, managers.get(0).read(ws -> ws.getJobs().size()), "a running process sees the others' records too");
	}

	@Test
	void recordsAreReadOldestFirstAndSurviveTheirWritersModel() throws IOException {
		FileWorkspaceManager first = FileWorkspaceManager.at(file());
		FileWorkspaceManager second = FileWorkspaceManager.at(file());
		second.update(ws -> ws.getJobs().add(record("late", 2000)));
		first.update(ws -> ws.getJobs().add(record("early", 1000)));
		assertEquals(List.of("early", "late"), FileWorkspaceManager.at(file()).read(ws -> ws.getJobs().stream().map(JobRecord::getId).toList()));
	}

	@Test
	void twoRecordsWithOneIdAreBothKept() throws IOException {
		FileWorkspaceManager a = FileWorkspaceManager.at(file());
		FileWorkspaceManager b = FileWorkspaceManager.at(file());
		a.update(ws -> ws.getJobs().add(record("job-1", 1000)));
		b.update(ws -> ws.getJobs().add(record("job-1", 1000)));
		assertEquals(List.of("job-1", "job-1-2"), FileWorkspaceManager.at(file()).read(ws -> ws.getJobs().stream().map(JobRecord::getId).sorted().toList()));
	}

	@Test
	void projectsChangedByAnotherProcessAreKeptWhenThisOneSaves() throws IOException {
		FileWorkspaceManager a = FileWorkspaceManager.at(file());
		FileWorkspaceManager b = FileWorkspaceManager.at(file());
		a.update(ws -> ws.getProjects().add(project("robot")));
		b.update(ws -> ws.getProjects().add(project("garden")));
		assertEquals(List.of("robot", "garden"), FileWorkspaceManager.at(file()).read(ws -> ws.getProjects().stream().map(Project::getName).toList()));
		assertEquals(List.of("robot", "garden"), a.read(ws -> ws.getProjects().stream().map(Project::getName).toList()));
	}

	@Test
	void recordsThatAnOlderAtelierKeptInTheWorkspaceFileMoveToFilesOfTheirOwn() throws IOException {
		Workspace old = WorkspaceFactory.eINSTANCE.createWorkspace();
		old.getJobs().add(record("job-1-1", 1000));
		old.getJobs().add(record("job-2-2", 2000));
		old.getProjects().add(project("robot"));
		WorkspaceStore.save(old, file());

		FileWorkspaceManager manager = FileWorkspaceManager.at(file());
		assertEquals(List.of("job-1-1", "job-2-2"), manager.read(ws -> ws.getJobs().stream().map(JobRecord::getId).toList()));
		assertTrue(Files.isRegularFile(dir.resolve("jobs/job-1-1.xmi")) && Files.isRegularFile(dir.resolve("jobs/job-2-2.xmi")));
		Workspace onDisk = WorkspaceStore.load(file()).workspace();
		assertTrue(onDisk.getJobs().isEmpty(), "workspace.xmi no longer holds records");
		assertEquals("robot", onDisk.getProjects().get(0).getName(), "and keeps its projects");
	}

	@Test
	void anUnreadableRecordIsSkippedAndTheOthersAreKept() throws IOException {
		FileWorkspaceManager.at(file()).update(ws -> ws.getJobs().add(record("good", 1000)));
		Files.writeString(dir.resolve("jobs/broken.xmi"), "<not xmi");
		assertEquals(List.of("good"), FileWorkspaceManager.at(file()).read(ws -> ws.getJobs().stream().map(JobRecord::getId).toList()));
	}

	@Test
	void aRemovedRecordsFileIsDeleted() throws IOException {
		FileWorkspaceManager manager = FileWorkspaceManager.at(file());
		manager.update(ws -> ws.getJobs().add(record("gone", 1000)));
		assertTrue(Files.exists(dir.resolve("jobs/gone.xmi")));
		manager.update(ws -> ws.getJobs().clear());
		assertFalse(Files.exists(dir.resolve("jobs/gone.xmi")));
		assertEquals(0, FileWorkspaceManager.at(file()).read(ws -> ws.getJobs().size()));
	}

	@Test
	void recordsWrittenLeaveNoTemporaryFiles() throws IOException {
		FileWorkspaceManager manager = FileWorkspaceManager.at(file());
		for (int i = 0; i < 3; i++) {
			JobRecord r = record("r" + i, i);
			manager.update(ws -> ws.getJobs().add(r));
		}
		try (Stream<Path> files = Files.list(dir.resolve("jobs"))) {
			assertEquals(List.of("r0.xmi", "r1.xmi", "r2.xmi"), files.map(f -> f.getFileName().toString()).sorted().toList());
		}
	}

	@Test
	void aFifoAsTheWorkspaceFileIsRefusedByNameAndTheJobRecordsAreStillRead() throws Exception {
		FileWorkspaceManager.at(file()).update(ws -> ws.getJobs().add(record("r0", 0)));
		Files.deleteIfExists(file()); // a job record alone leaves it unwritten
		Process mkfifo = new ProcessBuilder("mkfifo", file().toString()).start();
		assertEquals(0, mkfifo.waitFor());

		FileWorkspaceManager manager = FileWorkspaceManager.at(file());
		String problem = manager.loadProblem().orElseThrow();
		assertTrue(problem.contains(file() + ": not a regular file"), problem);
		assertEquals(List.of("r0"), manager.read(ws -> ws.getJobs().stream().map(JobRecord::getId).toList()));
		IOException refused = assertThrows(IOException.class, () -> manager.update(ws -> ws.getProjects().add(project("p"))));
		assertTrue(refused.getMessage().contains(file() + ": not a regular file"), refused.getMessage());
		assertFalse(Files.isRegularFile(file()), "the FIFO was not replaced by a save");
	}

	private static Project project(String name) {
		Project p = WorkspaceFactory.eINSTANCE.createProject();
		p.setName(name);
		return p;
	}
}
