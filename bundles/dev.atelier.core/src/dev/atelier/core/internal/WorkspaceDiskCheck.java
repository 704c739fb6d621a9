package dev.atelier.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;

/** {@code atelier doctor}: whether the workspace is writable and has room for models and outputs. */
@Component(service = DoctorCheck.class)
public final class WorkspaceDiskCheck implements DoctorCheck {

	/** An SD 1.5 checkpoint is 2–4 GB and an 8B F16 GGUF 16 GB: below this, the next download may not fit. */
	static final long LOW_BYTES = 10L << 30;

	@Override
	public int order() {
		return 500;
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		Path root = environment.paths().workspaceRoot();
		Path existing = root;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return List.of(Finding.problem("workspace disk", root + ": no part of this path exists", "pass --workspace DIR with a folder you can write"));
		}
		try {
			return List.of(finding(root, Files.getFileStore(existing).getUsableSpace(), Files.isWritable(existing)));
		} catch (IOException e) {
			return List.of(Finding.problem("workspace disk", root + ": its free space cannot be read (" + e.getMessage() + ")",
					"check that the disk holding " + root + " is mounted and readable"));
		}
	}

	/** The finding for a workspace with {@code usableBytes} free, writable or not. */
	static Finding finding(Path root, long usableBytes, boolean writable) {
		String free = String.format(Locale.ROOT, "%.1f GiB free at %s", usableBytes / (double) (1L << 30), root);
		if (!writable) {
			return Finding.problem("workspace disk", free + ", but it is not writable: jobs, outputs and settings cannot be saved",
					"give your user write access (chown/chmod) or pass --workspace DIR with a folder you can write");
		}
		if (usableBytes < LOW_BYTES) {
			return Finding.problem("workspace disk", free + ": under 10 GiB, a model download or a batch of outputs may not fit "
					+ "(an SD 1.5 checkpoint is 2–4 GB, an 8B F16 GGUF 16 GB)", "free space on that disk, or pass --workspace DIR on a larger one");
		}
		return Finding.ok("workspace disk", free);
	}
}
