package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.model.WorkspaceStore;

/** One job record ({@code jobs/<id>.xmi}), written by another process, as the Jobs view and {@code atelier jobs} read it. */
public final class JobRecordXmiTarget {

	private JobRecordXmiTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(JobRecordXmiTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("jobs/job-1.xmi", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> WorkspaceStore.loadRecord(file, leftOut -> {
		}));
	}
}
