package dev.atelier.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;

/** The outputs under the workspace the environment names. */
@Component(service = Outputs.class)
public final class WorkspaceOutputs implements Outputs {

	private static final Pattern KIND = Pattern.compile("[a-z0-9-]+");
	private static final Pattern NUMBERED = Pattern.compile("(\\d{5,})-.*\\.png");

	/** A lock per folder, shared by every instance (tests make their own) so that numbering is one step at a time. */
	private static final Map<Path, Object> NUMBERING = new ConcurrentHashMap<>();

	private final Supplier<Path> root;

	@Activate
	public WorkspaceOutputs(@Reference AtelierEnvironment env) {
		this(following(env.paths()).root);
	}

	private WorkspaceOutputs(Supplier<Path> root) {
		this.root = root;
	}

	/** See {@link Outputs#under}. */
	public static WorkspaceOutputs at(Path root) {
		return new WorkspaceOutputs(() -> root);
	}

	/** See {@link Outputs#ofWorkspace(AtelierPaths)}. */
	public static WorkspaceOutputs following(AtelierPaths workspace) {
		return new WorkspaceOutputs(() -> {
			String chosen = PropertiesPreferences.at(workspace.preferencesFile()).get(Outputs.PREFERENCE, "").strip();
			return chosen.isEmpty() ? workspace.workspaceRoot().resolve("outputs") : Path.of(chosen);
		});
	}

	@Override
	public Path root() {
		return root.get();
	}

	@Override
	public Path folder(String kind) {
		if (!KIND.matcher(kind).matches()) {
			throw new IllegalArgumentException("an output kind is a lower-case name, not '" + kind + "'");
		}
		return root().resolve(kind);
	}

	@Override
	public Path writeNumbered(Path folder, String label, RgbImage image, Map<String, String> text) throws IOException {
		byte[] png = PngInfo.encode(image, text);
		Files.createDirectories(folder);
		String safe = fileSafe(label);
		// written before taking a number, so that the lock is held only for listing the folder and a link
		Path temp = AtomicFiles.writeTemp(folder.resolve(name(0, safe)), out -> out.write(png));
		try {
			// one number per file within this process; against another process the link in commitNew still never replaces a file
			synchronized (NUMBERING.computeIfAbsent(folder.toAbsolutePath().normalize(), f -> new Object())) {
				for (int n = nextNumber(folder);; n++) {
					Path file = folder.resolve(name(n, safe));
					if (AtomicFiles.commitNew(temp, file)) {
						return file;
					}
				}
			}
		} finally {
			Files.deleteIfExists(temp);
		}
	}

	@Override
	public void write(Path file, RgbImage image, Map<String, String> text) throws IOException {
		byte[] png = PngInfo.encode(image, text);
		AtomicFiles.write(file, out -> out.write(png));
	}

	private static String name(int number, String label) {
		return String.format(Locale.ROOT, "%05d-%s.png", number, label);
	}

	/** The label with runs of anything but letters, digits, dot, dash and underscore as one dash; never empty or hidden. */
	static String fileSafe(String label) {
		String safe = label.strip().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
		return safe.isEmpty() ? "output" : safe;
	}

	private static int nextNumber(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(f -> NUMBERED.matcher(f.getFileName().toString())).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1)))
					.max().orElse(-1) + 1;
		}
	}
}
