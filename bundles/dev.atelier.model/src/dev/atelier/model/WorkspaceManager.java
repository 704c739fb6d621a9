package dev.atelier.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.atelier.model.workspace.Workspace;

/**
 * The open workspace of this Atelier. EMF objects are not thread-safe: read and change the model only inside
 * {@link #read} and {@link #update}, which hold the workspace's lock.
 */
public interface WorkspaceManager {

	/** The XMI file the workspace lives in. */
	Path file();

	/** Why the workspace file could not be loaded and where its backup is, when that happened at start-up. */
	Optional<String> loadProblem();

	<T> T read(Function<Workspace, T> reader);

	/** Applies {@code change} and saves the workspace atomically; on a failed save the change stays in memory. */
	void update(Consumer<Workspace> change) throws IOException;
}
