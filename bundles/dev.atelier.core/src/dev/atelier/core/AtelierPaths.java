package dev.atelier.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where Atelier keeps its files. The workspace root is, in order of precedence, the value of the
 * {@code --workspace} option, the {@code ATELIER_WORKSPACE} environment variable, or {@code ~/.atelier}.
 */
public record AtelierPaths(Path workspaceRoot) {

	public static final String WORKSPACE_OPTION = "--workspace";
	public static final String WORKSPACE_ENV = "ATELIER_WORKSPACE";

	public AtelierPaths {
		workspaceRoot = Objects.requireNonNull(workspaceRoot, "workspaceRoot").toAbsolutePath().normalize();
	}

	/** Resolves the workspace root from program arguments, the environment and the user's home. */
	public static AtelierPaths resolve(List<String> args, Map<String, String> env, Path userHome) {
		String fromArgs = workspaceOption(args);
		if (fromArgs != null) {
			return new AtelierPaths(expandHome(fromArgs, userHome));
		}
		String fromEnv = env.get(WORKSPACE_ENV);
		if (fromEnv != null && !fromEnv.isBlank()) {
			return new AtelierPaths(expandHome(fromEnv.strip(), userHome));
		}
		return new AtelierPaths(userHome.resolve(".atelier"));
	}

	/** The value of {@code --workspace DIR} or {@code --workspace=DIR}, or null when absent. */
	public static String workspaceOption(List<String> args) {
		String value = null;
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (arg.equals(WORKSPACE_OPTION)) {
				if (i + 1 >= args.size() || args.get(i + 1).isBlank()) {
					throw new IllegalArgumentException(WORKSPACE_OPTION + " needs a directory");
				}
				value = args.get(++i);
			} else if (arg.startsWith(WORKSPACE_OPTION + "=")) {
				value = arg.substring(WORKSPACE_OPTION.length() + 1);
				if (value.isBlank()) {
					throw new IllegalArgumentException(WORKSPACE_OPTION + " needs a directory");
				}
			}
		}
		return value;
	}

	/** The arguments without any {@code --workspace} option and its value. */
	public static List<String> withoutWorkspaceOption(List<String> args) {
		List<String> rest = new ArrayList<>(args.size());
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (arg.equals(WORKSPACE_OPTION)) {
				i++;
			} else if (!arg.startsWith(WORKSPACE_OPTION + "=")) {
				rest.add(arg);
			}
		}
		return rest;
	}

	private static Path expandHome(String path, Path userHome) {
		if (path.equals("~")) {
			return userHome;
		}
		if (path.startsWith("~/")) {
			return userHome.resolve(path.substring(2));
		}
		return Path.of(path);
	}

	/** The EMF workspace model, persisted as XMI. */
	public Path workspaceFile() {
		return workspaceRoot.resolve("workspace.xmi");
	}

	public Path preferencesFile() {
		return workspaceRoot.resolve("preferences.properties");
	}

	public Path logsDir() {
		return workspaceRoot.resolve("logs");
	}

	/** Third-party plugin bundles (jars) installed into the runtime at start-up. */
	public Path pluginsDir() {
		return workspaceRoot.resolve("plugins");
	}

	/**
	 * This workspace's OSGi framework state (the launcher's {@code -configuration}): the plugins folder's bundles are
	 * installed there, never into the installation, which every workspace shares.
	 */
	public Path frameworkDir() {
		return workspaceRoot.resolve(".framework");
	}
}
