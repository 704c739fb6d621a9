package dev.atelier.compute.internal.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where NVIDIA's libraries are looked for: a CUDA toolkit ({@code CUDA_HOME}, {@code CUDA_PATH},
 * {@code /usr/local/cuda*}), the library path, the system's library directories, and a PyTorch installation's
 * {@code site-packages/nvidia/<dir>} (pip's {@code nvidia-*} wheels).
 */
final class CudaLibraries {

	private CudaLibraries() {
	}

	/** Every place, in search order, where a library of one of {@code names} may lie; pip wheels under {@code pipDirs}. */
	static List<Path> candidates(Map<String, String> env, List<String> names, List<String> pipDirs) {
		List<Path> dirs = new ArrayList<>();
		for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
			if (env.containsKey(var)) {
				dirs.add(Path.of(env.get(var), "lib64"));
				dirs.add(Path.of(env.get(var), "lib"));
			}
		}
		dirs.add(Path.of("/usr/local/cuda/lib64"));
		dirs.addAll(children(Path.of("/usr/local"), "cuda-", "lib64"));
		for (String dir : env.getOrDefault("LD_LIBRARY_PATH", "").split(":")) {
			if (!dir.isBlank()) {
				dirs.add(Path.of(dir));
			}
		}
		dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
		dirs.add(Path.of("/usr/lib64"));
		List<Path> pythonLibs = new ArrayList<>();
		for (String prefix : List.of("/usr/lib", "/usr/local/lib", System.getProperty("user.home") + "/.local/lib",
				env.getOrDefault("VIRTUAL_ENV", "/nonexistent") + "/lib", env.getOrDefault("CONDA_PREFIX", "/nonexistent") + "/lib")) {
			pythonLibs.addAll(children(Path.of(prefix), "python3", ""));
		}
		for (Path python : pythonLibs) {
			for (String packages : List.of("site-packages", "dist-packages")) {
				Path nvidia = python.resolve(packages).resolve("nvidia");
				for (String dir : pipDirs) {
					dirs.add(nvidia.resolve(dir));
				}
			}
		}
		List<Path> files = new ArrayList<>();
		for (Path dir : dirs) {
			for (String name : names) {
				files.add(dir.resolve(name));
			}
		}
		return files;
	}

	/** Sub-directories of {@code dir} whose names start with {@code prefix}, newest version first, resolved against {@code sub}. */
	private static List<Path> children(Path dir, String prefix, String sub) {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> list = Files.list(dir)) {
			return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted(Comparator.reverseOrder()).map(p -> p.resolve(sub))
					.toList();
		} catch (IOException e) {
			return List.of();
		}
	}

	/** The first of {@code candidates} that is a file. */
	static Optional<Path> first(List<Path> candidates) {
		return candidates.stream().filter(Files::isRegularFile).findFirst();
	}
}
