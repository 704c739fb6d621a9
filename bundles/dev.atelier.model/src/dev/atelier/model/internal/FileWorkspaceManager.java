package dev.atelier.model.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.emf.ecore.util.EcoreUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.WorkspaceStore;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.Workspace;

/**
 * The workspace of one process among several (the IDE, CLIs, {@code atelier serve}) that share its folder.
 *
 * <p>Several processes, one workspace: each job record is a file of its own in {@code jobs/}, written once atomically
 * (temp, fsync, link that never replaces), so no process can overwrite another's records and a kill -9 leaves a whole
 * record or none; the rest ({@code workspace.xmi}) is re-read and saved under an OS file lock, which the kernel drops
 * when its holder dies.
 */
@Component(service = WorkspaceManager.class)
public final class FileWorkspaceManager implements WorkspaceManager {

	private static final System.Logger LOG = System.getLogger(FileWorkspaceManager.class.getName());

	/** A temporary file this old in {@code jobs/} was left by a writer that died (a write takes milliseconds). */
	private static final Duration STALE_TEMP = Duration.ofHours(1);

	/** Longer than a file system's time stamps' tick. */
	private static final Duration RACY = Duration.ofSeconds(1);

	/** One in-process lock per workspace file: the OS lock is per process, and a process may open a workspace twice. */
	private static final Map<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

	private final Path file;
	private final Path jobsDir;
	private final Path lockFile;
	private final Workspace workspace;
	private final Optional<String> problem;
	/** The records read from or written to {@code jobs/}, by file name; unreadable files are named once and skipped. */
	private final Map<String, JobRecord> recordFiles = new HashMap<>();
	private final Set<String> unreadable = new HashSet<>();
	private FileTime jobsSeen;
	private Instant jobsScanned = Instant.MIN;
	private Stamp fileSeen;
	/** Why the last re-read of {@code workspace.xmi} failed, so that one cause is logged once, not at every read. */
	private String lastReadProblem;

	/** What {@code workspace.xmi} was when this process last read or wrote it. */
	private record Stamp(FileTime modified, long size, Object key) {
		static Stamp of(Path file) throws IOException {
			try {
				BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
				return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
			} catch (NoSuchFileException e) {
				return null;
			}
		}
	}

	@Activate
	public FileWorkspaceManager(@Reference AtelierEnvironment env) {
		this(env.paths().workspaceFile());
	}

	/** Plain-Java construction; DS uses the other constructor. */
	public static FileWorkspaceManager at(Path file) {
		return new FileWorkspaceManager(file);
	}

	private FileWorkspaceManager(Path file) {
		this.file = file.toAbsolutePath().normalize();
		this.jobsDir = this.file.resolveSibling("jobs");
		this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
		WorkspaceStore.Loaded loaded;
		try {
			loaded = locked(() -> {
				WorkspaceStore.Loaded l = WorkspaceStore.load(this.file);
				fileSeen = Stamp.of(this.file);
				moveRecordsOut(l.workspace());
				return l;
			});
		} catch (IOException e) {
			// Failing here would take every command that needs a workspace with it, the reason in no message a user sees.
			// fileSeen stays unset: each update reads the file again and is refused while it cannot be read.
			String message = "cannot open the workspace " + this.file + ": " + e.getMessage() + "; nothing can be saved to it until that is fixed";
			LOG.log(Level.WARNING, message);
			lastReadProblem = e.getMessage();
			loaded = new WorkspaceStore.Loaded(WorkspaceStore.emptyWorkspace(this.file), Optional.of(message), Optional.empty());
		}
		this.workspace = loaded.workspace();
		this.problem = loaded.problem();
		try {
			deleteStaleTemps();
			refreshRecords();
		} catch (IOException e) {
			throw new UncheckedIOException("cannot open the workspace " + file + ": " + e.getMessage(), e);
		}
	}

	@Override
	public Path file() {
		return file;
	}

	@Override
	public Optional<String> loadProblem() {
		return problem;
	}

	/** Reads the model with what other processes saved since: their job records, and {@code workspace.xmi} when it changed. */
	@Override
	public synchronized <T> T read(Function<Workspace, T> reader) {
		try {
			refreshRecords();
			if (!Objects.equals(Stamp.of(file), fileSeen)) {
				locked(() -> {
					reloadFile();
					return null;
				});
			}
			lastReadProblem = null;
		} catch (IOException e) {
			// what this process has is still a workspace to read; the next read tries again
			if (!Objects.equals(e.getMessage(), lastReadProblem)) {
				LOG.log(Level.WARNING, "cannot re-read the workspace " + file + ": " + e.getMessage());
			}
			lastReadProblem = e.getMessage();
		}
		return reader.apply(workspace);
	}

	/**
	 * Applies the change to the model as it is on disk now, then writes what it changed: each new job record as a file
	 * of its own, a removed record's file deleted, {@code workspace.xmi} saved when anything else changed. Job records
	 * are written once: change one by removing it and adding its replacement.
	 */
	@Override
	public synchronized void update(Consumer<Workspace> change) throws IOException {
		locked(() -> {
			reloadFile();
			refreshRecords();
			Workspace before = WorkspaceStore.withoutJobs(workspace);
			Set<JobRecord> recordsBefore = identitySet(workspace.getJobs());
			change.accept(workspace);
			for (JobRecord added : workspace.getJobs()) {
				if (!recordsBefore.remove(added)) {
					Path saved = WorkspaceStore.saveRecord(added, jobsDir);
					recordFiles.put(saved.getFileName().toString(), added);
				}
			}
			for (JobRecord removed : recordsBefore) {
				recordFiles.entrySet().removeIf(e -> {
					if (e.getValue() != removed) {
						return false;
					}
					deleteQuietly(jobsDir.resolve(e.getKey()));
					return true;
				});
			}
			Workspace after = WorkspaceStore.withoutJobs(workspace);
			if (!EcoreUtil.equals(before, after)) {
				WorkspaceStore.save(after, file);
				fileSeen = Stamp.of(file);
			}
			return null;
		});
	}

	/** Runs {@code body} holding this workspace's lock against other processes and against other managers of this one. */
	private <T> T locked(IoAction<T> body) throws IOException {
		synchronized (IN_PROCESS.computeIfAbsent(lockFile, f -> new Object())) {
			Files.createDirectories(lockFile.getParent());
			try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
					FileLock lock = channel.lock()) {
				return body.run();
			}
		}
	}

	@FunctionalInterface
	private interface IoAction<T> {
		T run() throws IOException;
	}

	/** Takes in {@code workspace.xmi} as another process saved it, keeping this process's model object (views hold it). */
	private void reloadFile() throws IOException {
		Stamp now = Stamp.of(file);
		if (Objects.equals(now, fileSeen)) {
			return;
		}
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file);
		fileSeen = Stamp.of(file);
		Workspace fresh = loaded.workspace();
		moveRecordsOut(fresh);
		workspace.setName(fresh.getName());
		workspace.getProjects().clear();
		workspace.getProjects().addAll(fresh.getProjects());
	}

	/** Records that an older Atelier kept inside {@code workspace.xmi} move to {@code jobs/}; call holding the lock. */
	private void moveRecordsOut(Workspace loaded) throws IOException {
		if (loaded.getJobs().isEmpty()) {
			return;
		}
		Set<String> existing = new HashSet<>();
		if (Files.isDirectory(jobsDir)) {
			try (DirectoryStream<Path> files = Files.newDirectoryStream(jobsDir)) {
				files.forEach(f -> existing.add(f.getFileName().toString()));
			}
		}
		for (JobRecord legacy : loaded.getJobs()) {
			if (legacy.getId() == null || !existing.contains(legacy.getId() + WorkspaceStore.RECORD_SUFFIX)) {
				WorkspaceStore.saveRecord(legacy, jobsDir); // moved already when a crash interrupted an earlier move
			}
		}
		loaded.getJobs().clear();
		WorkspaceStore.save(WorkspaceStore.withoutJobs(loaded), file);
		fileSeen = Stamp.of(file);
	}

	/** Reads the record files that appeared since the last look and drops those that were deleted, when {@code jobs/} changed. */
	private void refreshRecords() throws IOException {
		FileTime modified;
		try {
			modified = Files.getLastModifiedTime(jobsDir);
		} catch (NoSuchFileException e) {
			return;
		}
		// a folder's time ticks coarsely (a few ms): trusted only when the last look came well after it
		if (modified.equals(jobsSeen) && jobsScanned.isAfter(modified.toInstant().plus(RACY))) {
			return;
		}
		jobsSeen = modified;
		jobsScanned = Instant.now();
		Set<String> present = new HashSet<>();
		List<JobRecord> added = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(jobsDir, "[!.]*" + WorkspaceStore.RECORD_SUFFIX)) {
			for (Path f : files) {
				String name = f.getFileName().toString();
				present.add(name);
				if (recordFiles.containsKey(name) || unreadable.contains(name)) {
					continue;
				}
				try {
					JobRecord record = WorkspaceStore.loadRecord(f, leftOut -> LOG.log(Level.WARNING, leftOut));
					recordFiles.put(name, record);
					added.add(record);
				} catch (IOException e) {
					unreadable.add(name);
					LOG.log(Level.WARNING, "skipped a job record: " + e.getMessage());
				}
			}
		}
		recordFiles.keySet().retainAll(present);
		Set<JobRecord> kept = identitySet(recordFiles.values());
		workspace.getJobs().removeIf(r -> !kept.contains(r));
		if (!added.isEmpty()) {
			workspace.getJobs().addAll(added);
			// oldest first, as they ran; ties (and undated records) by id
			List<JobRecord> sorted = new ArrayList<>(workspace.getJobs());
			sorted.sort(Comparator.comparing((JobRecord r) -> r.getStart() == null ? 0L : r.getStart().getTime())
					.thenComparing(r -> r.getId() == null ? "" : r.getId()));
			workspace.getJobs().clear();
			workspace.getJobs().addAll(sorted);
		}
	}

	private void deleteStaleTemps() {
		if (!Files.isDirectory(jobsDir)) {
			return;
		}
		Instant before = Instant.now().minus(STALE_TEMP);
		try (DirectoryStream<Path> temps = Files.newDirectoryStream(jobsDir, ".*.tmp")) {
			for (Path temp : temps) {
				if (Files.getLastModifiedTime(temp).toInstant().isBefore(before)) {
					deleteQuietly(temp);
				}
			}
		} catch (IOException e) {
			LOG.log(Level.WARNING, "cannot clean " + jobsDir + ": " + e.getMessage());
		}
	}

	private static void deleteQuietly(Path f) {
		try {
			Files.deleteIfExists(f);
		} catch (IOException e) {
			LOG.log(Level.WARNING, "cannot delete " + f + ": " + e.getMessage());
		}
	}

	private static Set<JobRecord> identitySet(Iterable<JobRecord> records) {
		Set<JobRecord> set = Collections.newSetFromMap(new IdentityHashMap<>());
		records.forEach(set::add);
		return set;
	}
}
