package dev.atelier.core.outputs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.internal.WorkspaceOutputs;

/**
 * Where the capabilities put what they make: a folder per kind under {@code <workspace>/outputs/} ({@link #DIFFUSION},
 * {@link #RENDER}, …), numbered file names that never replace an earlier output, and PNGs written atomically with
 * their text chunks ({@link PngInfo#PARAMETERS} as AUTOMATIC1111 writes it), so that a reader (the Gallery, another
 * process) sees a whole image or none.
 */
public interface Outputs {

	String DIFFUSION = "diffusion";
	String RENDER = "render";
	/** The images a generation was given (a served request's init image and mask), which its infotext names: not outputs. */
	String INPUTS = "inputs";

	/** The preference naming another folder for a workspace's outputs (Window ▸ Preferences ▸ Workspace). */
	String PREFERENCE = "outputs.folder";

	/** The outputs of a workspace: {@code <workspaceRoot>/outputs}. */
	static Outputs ofWorkspace(Path workspaceRoot) {
		return under(workspaceRoot.resolve("outputs"));
	}

	/**
	 * The outputs of a workspace as its preferences file says now: the folder {@value #PREFERENCE} names, else
	 * {@code <workspace>/outputs}; read again on every use, so a changed preference applies to the next output.
	 */
	static Outputs ofWorkspace(AtelierPaths workspace) {
		return WorkspaceOutputs.following(workspace);
	}

	/** Outputs under {@code root} instead of the workspace's (tests, tools that write elsewhere). */
	static Outputs under(Path root) {
		return WorkspaceOutputs.at(root);
	}

	/** {@code <workspace>/outputs}, or the folder the workspace's preference names. */
	Path root();

	/**
	 * {@code <workspace>/outputs/<kind>}, not created until something is written there.
	 *
	 * @throws IllegalArgumentException when the kind is not a lower-case name ({@code [a-z0-9-]+})
	 */
	Path folder(String kind);

	/**
	 * Writes the image into {@code folder} (created when missing) as {@code NNNNN-<label>.png}, numbered one past
	 * the highest number there (from {@code 00000}); the label is made file-safe. Writers in one process never share a
	 * number; a writer in another process may take the same number under another label, and no file is ever replaced.
	 *
	 * @return the file written
	 */
	Path writeNumbered(Path folder, String label, RgbImage image, Map<String, String> text) throws IOException;

	/** Writes the image as {@code file}, replacing it atomically (for an output path the user named). */
	void write(Path file, RgbImage image, Map<String, String> text) throws IOException;
}
