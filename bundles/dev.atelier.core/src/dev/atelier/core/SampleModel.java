package dev.atelier.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobContext;

/**
 * A tiny model that a bundle can write into the models folder, so that a new user can try its view before
 * downloading a real one (random weights: it shows the workflow, not quality). The Welcome page writes every one
 * registered as a service and opens each as File ▸ Open would.
 */
public interface SampleModel {

	/** What it is and where it opens, for the Welcome page: "a tiny random-weight Llama (GGUF) for the Assistant". */
	String description();

	/**
	 * Writes the model under {@code modelsFolder} (kept if it is there already) and returns the file that File ▸ Open
	 * opens in its view; progress and cancellation go through {@code job}.
	 */
	Path write(Path modelsFolder, JobContext job) throws IOException;

	/**
	 * What {@link #write} does with its file: one step of {@code job} that writes {@code out} through {@code writer},
	 * atomically (never half a model), unless it is there already. Returns {@code out}.
	 */
	static Path writeOnce(Path out, JobContext job, AtomicFiles.FileWriter writer) throws IOException {
		job.begin("Writing " + out, 1);
		if (!Files.isRegularFile(out)) {
			Files.createDirectories(out.getParent());
			AtomicFiles.writeFile(out, writer);
		}
		job.worked(1);
		return out;
	}
}
