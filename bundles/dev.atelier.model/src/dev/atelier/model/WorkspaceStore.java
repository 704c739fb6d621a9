package dev.atelier.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.util.EcoreUtil;
import org.eclipse.emf.ecore.xmi.ClassNotFoundException;
import org.eclipse.emf.ecore.xmi.FeatureNotFoundException;
import org.eclipse.emf.ecore.xmi.IllegalValueException;
import org.eclipse.emf.ecore.xmi.PackageNotFoundException;
import org.eclipse.emf.ecore.xmi.XMIException;
import org.eclipse.emf.ecore.xmi.XMLResource;
import org.eclipse.emf.ecore.xmi.impl.XMIResourceImpl;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.Workspace;
import dev.atelier.model.workspace.WorkspaceFactory;
import dev.atelier.model.workspace.WorkspacePackage;

/**
 * Reads and writes the workspace model as XMI. Saving is atomic; a file that cannot be read as an Atelier
 * workspace is moved aside as a backup and replaced by an empty workspace, with a message naming both files. A file
 * whose only faults are values, elements or types this version does not know (an enum literal of a later version)
 * keeps what can be read: the file as it was is copied aside, the rest is saved in its place, and the message names
 * each value left out. A job record with such faults keeps the rest the same way.
 */
public final class WorkspaceStore {

	/**
	 * What {@link #load} found. {@code problem} and {@code backup} are present when the file was unusable, or partly
	 * readable (the workspace then holds what was read).
	 */
	public record Loaded(Workspace workspace, Optional<String> problem, Optional<Path> backup) {
	}

	/** The ending of a job record file in the workspace's {@code jobs/} folder. */
	public static final String RECORD_SUFFIX = ".xmi";

	/** At most this many left-out places are named one by one. */
	private static final int NAMED = 10;

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private WorkspaceStore() {
	}

	public static Loaded load(Path file) throws IOException {
		AtomicFiles.deleteStaleTemps(file);
		if (!Files.exists(file)) {
			return new Loaded(emptyWorkspace(file), Optional.empty(), Optional.empty());
		}
		AtomicFiles.requireRegular(file); // a FIFO would block the reader forever
		String problem;
		Resource resource = newResource(file);
		try {
			try (InputStream in = Files.newInputStream(file)) {
				resource.load(in, options());
			} catch (IOException e) {
				if (readable(resource, Workspace.class)) { // EMF throws the first error after reading on past it
					return keepReadable(file, resource);
				}
				throw e;
			}
			if (!resource.getErrors().isEmpty()) {
				problem = resource.getErrors().get(0).getMessage();
			} else if (resource.getContents().size() == 1 && resource.getContents().get(0) instanceof Workspace ws) {
				return new Loaded(ws, Optional.empty(), Optional.empty());
			} else {
				problem = "it holds " + describe(resource) + ", not an Atelier workspace";
			}
		} catch (IOException | RuntimeException e) {
			problem = rootMessage(e);
		}
		Path backup = backupPath(file);
		Files.move(file, backup, StandardCopyOption.ATOMIC_MOVE);
		String message = "The workspace file " + file + " could not be read (" + problem + "). It was kept as " + backup
				+ " and an empty workspace was started.";
		System.getLogger(WorkspaceStore.class.getName()).log(System.Logger.Level.WARNING, message);
		return new Loaded(emptyWorkspace(file), Optional.of(message), Optional.of(backup));
	}

	/** A {@code root} whose errors each left out one value, element or typed element, not the document's structure. */
	private static boolean readable(Resource resource, Class<? extends EObject> root) {
		return !resource.getErrors().isEmpty() && resource.getContents().size() == 1 && root.isInstance(resource.getContents().get(0))
				&& resource.getErrors().stream()
						.allMatch(e -> e instanceof IllegalValueException || e instanceof FeatureNotFoundException || e instanceof ClassNotFoundException);
	}

	/** What a readable file's errors left out, each with its line: {@code kind 'hologram' (line 4), ...}. */
	private static String leftOut(List<Resource.Diagnostic> errors) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < Math.min(NAMED, errors.size()); i++) {
			Resource.Diagnostic e = errors.get(i);
			String what = switch (e) {
			case IllegalValueException v -> v.getFeature().getName() + " '" + v.getValue() + "'";
			case FeatureNotFoundException f -> "the unknown '" + f.getName() + "'";
			case ClassNotFoundException c -> "an element of the unknown type '" + c.getName() + "'";
			default -> e.getMessage();
			};
			b.append(i > 0 ? ", " : "").append(what).append(" (line ").append(e.getLine()).append(')');
		}
		if (errors.size() > NAMED) {
			b.append(" and ").append(errors.size() - NAMED).append(" more");
		}
		return b.toString();
	}

	private static Loaded keepReadable(Path file, Resource resource) throws IOException {
		Path backup = backupPath(file);
		Files.copy(file, backup);
		List<Resource.Diagnostic> errors = List.copyOf(resource.getErrors()); // saving clears them
		// saved now, so that the next start neither warns again nor copies the file again
		AtomicFiles.write(file, out -> resource.save(out, options()));
		String message = "The workspace file " + file + " held what this version cannot read: " + leftOut(errors)
				+ "; that was left out and the rest kept. The file as it was is kept as " + backup + ".";
		System.getLogger(WorkspaceStore.class.getName()).log(System.Logger.Level.WARNING, message);
		return new Loaded((Workspace) resource.getContents().get(0), Optional.of(message), Optional.of(backup));
	}

	public static void save(Workspace workspace, Path file) throws IOException {
		Resource resource = workspace.eResource();
		if (resource == null) {
			resource = newResource(file);
			resource.getContents().add(workspace);
		}
		Resource toSave = resource;
		AtomicFiles.write(file, out -> toSave.save(out, options()));
	}

	/**
	 * Reads one job record file, as {@link #saveRecord} wrote it. Values, elements or types this version does not know
	 * are left out and named to {@code leftOut}, with the file, once; the file stays as it is (records are written once).
	 *
	 * @throws IOException naming the file when it is not a readable job record
	 */
	public static JobRecord loadRecord(Path file, Consumer<String> leftOut) throws IOException {
		AtomicFiles.requireRegular(file);
		Resource resource = newResource(file);
		try (InputStream in = Files.newInputStream(file)) {
			resource.load(in, options());
		} catch (IOException | RuntimeException e) { // EMF reports XML it cannot parse as an IOException without the file
			if (readable(resource, JobRecord.class)) {
				leftOut.accept("the job record " + file + " held what this version cannot read: " + leftOut(resource.getErrors())
						+ "; that was left out and the rest kept.");
				return (JobRecord) resource.getContents().get(0);
			}
			throw new IOException(file + ": not a job record (" + rootMessage(e) + ")", e);
		}
		if (!resource.getErrors().isEmpty()) {
			throw new IOException(file + ": not a job record (" + resource.getErrors().get(0).getMessage() + ")");
		}
		if (resource.getContents().size() != 1 || !(resource.getContents().get(0) instanceof JobRecord record)) {
			throw new IOException(file + ": not a job record (it holds " + describe(resource) + ")");
		}
		return record;
	}

	/**
	 * Writes a copy of {@code record} as {@code <dir>/<id>.xmi}, atomically and never over an existing file: when the
	 * name is taken, the copy's id (and file name) get a suffix. Returns the file written.
	 */
	public static Path saveRecord(JobRecord record, Path dir) throws IOException {
		JobRecord copy = EcoreUtil.copy(record);
		String id = fileSafe(copy.getId());
		Files.createDirectories(dir);
		for (int n = 1;; n++) {
			String candidate = n == 1 ? id : id + "-" + n;
			copy.setId(candidate);
			Path file = dir.resolve(candidate + RECORD_SUFFIX);
			Resource resource = newResource(file);
			resource.getContents().add(copy);
			Path temp = AtomicFiles.writeTemp(file, out -> resource.save(out, options()));
			try {
				if (AtomicFiles.commitNew(temp, file)) {
					record.setId(candidate);
					return file;
				}
			} finally {
				Files.deleteIfExists(temp);
			}
		}
	}

	/** A record id as a file name: nothing but letters, digits, dot, dash and underscore, never hidden. */
	private static String fileSafe(String id) {
		String safe = id == null ? "" : id.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+", "");
		return safe.isEmpty() ? "job" : safe;
	}

	/** The workspace without its job records (they live in files of their own), for saving as {@code workspace.xmi}. */
	public static Workspace withoutJobs(Workspace workspace) {
		Workspace copy = EcoreUtil.copy(workspace);
		copy.getJobs().clear();
		return copy;
	}

	/** An empty workspace for {@code file}, named after its folder. */
	public static Workspace emptyWorkspace(Path file) {
		Workspace ws = WorkspaceFactory.eINSTANCE.createWorkspace();
		Path dir = file.toAbsolutePath().getParent();
		ws.setName(dir.getFileName() == null ? "workspace" : dir.getFileName().toString());
		return ws;
	}

	private static Resource newResource(Path file) {
		// Touching the package registers its namespace, inside OSGi or not.
		WorkspacePackage.eINSTANCE.eClass();
		return new XMIResourceImpl(URI.createFileURI(file.toAbsolutePath().toString()));
	}

	private static Map<Object, Object> options() {
		Map<Object, Object> options = new HashMap<>();
		options.put(XMLResource.OPTION_ENCODING, "UTF-8");
		options.put(XMLResource.OPTION_DEFER_IDREF_RESOLUTION, Boolean.TRUE);
		return options;
	}

	private static String describe(Resource resource) {
		if (resource.getContents().isEmpty()) {
			return "no model";
		}
		EObject first = resource.getContents().get(0);
		return resource.getContents().size() + " object(s) of type " + first.eClass().getName();
	}

	private static String rootMessage(Throwable e) {
		Throwable t = e;
		while (true) {
			if (t instanceof PackageNotFoundException foreign) {
				return "it is not an Atelier workspace: its XML namespace is "
						+ (foreign.uri() == null ? "missing" : "'" + foreign.uri() + "'") + ", expected '" + WorkspacePackage.eNS_URI + "'";
			}
			if (t.getCause() == null || t.getCause() == t) {
				break;
			}
			t = t.getCause();
		}
		return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
	}

	private static Path backupPath(Path file) {
		String base = file.getFileName() + ".damaged-" + LocalDateTime.now().format(STAMP);
		Path backup = file.resolveSibling(base);
		for (int i = 1; Files.exists(backup); i++) {
			backup = file.resolveSibling(base + "-" + i);
		}
		return backup;
	}
}
