package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.model.WorkspaceStore;

/**
 * {@code workspace.xmi} as a process opens it: a file it cannot read is kept aside and an empty workspace started
 * (a {@code Loaded} with the problem), so only I/O refusals are documented.
 */
public final class WorkspaceXmiTarget {

	private WorkspaceXmiTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(WorkspaceXmiTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path dir = Contract.emptyFolder("workspace");
		Path file = Contract.write("workspace/workspace.xmi", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> WorkspaceStore.load(file).workspace().getJobs().size());
		Contract.emptyFolder(dir.getFileName().toString());
	}
}
