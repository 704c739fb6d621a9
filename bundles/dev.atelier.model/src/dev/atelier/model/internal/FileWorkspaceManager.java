package dev.atelier.model.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.WorkspaceStore;
import dev.atelier.model.workspace.Workspace;

@Component(service = WorkspaceManager.class)
public final class FileWorkspaceManager implements WorkspaceManager {

	private final Path file;
	private final Workspace workspace;
	private final Optional<String> problem;

	@Activate
	public FileWorkspaceManager(@Reference AtelierEnvironment env) {
		this(env.paths().workspaceFile());
	}

	/** Plain-Java construction; DS uses the other constructor. */
	public static FileWorkspaceManager at(Path file) {
		return new FileWorkspaceManager(file);
	}

	private FileWorkspaceManager(Path file) {
		this.file = file;
		try {
			WorkspaceStore.Loaded loaded = WorkspaceStore.load(file);
			this.workspace = loaded.workspace();
			this.problem = loaded.problem();
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

	@Override
	public synchronized <T> T read(Function<Workspace, T> reader) {
		return reader.apply(workspace);
	}

	@Override
	public synchronized void update(Consumer<Workspace> change) throws IOException {
		change.accept(workspace);
		WorkspaceStore.save(workspace, file);
	}
}
