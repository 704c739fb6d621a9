package dev.atelier.bench.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Runs the committed {@code python/torch_reference.py} with {@code python3} where PyTorch with CUDA imports, in
 * the same run as Atelier's suite, and returns PyTorch's median times by benchmark name.
 */
final class TorchReference {

	/** What ran: the reference's median milliseconds by name, and a line saying what it was (or why it did not run). */
	record Outcome(Map<String, Double> millis, String description) {
	}

	private final List<String> python;
	private final long timeoutSeconds;

	TorchReference(List<String> python, long timeoutSeconds) {
		this.python = List.copyOf(python);
		this.timeoutSeconds = timeoutSeconds;
	}

	static TorchReference python3() {
		return new TorchReference(List.of("python3"), 900);
	}

	/** Why the reference cannot run here, or empty when {@code import torch} works and sees a CUDA device. */
	Optional<String> unavailable() {
		try {
			Process p = new ProcessBuilder(command("-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)"))
					.redirectErrorStream(true).start();
			p.getOutputStream().close();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(120, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				return Optional.of("not run: python3 -c 'import torch' did not finish in 120 s");
			}
			return switch (p.exitValue()) {
			case 0 -> Optional.empty();
			case 3 -> Optional.of("not run: PyTorch sees no CUDA device");
			default -> Optional.of("not run: python3 cannot import torch (" + lastLine(out) + ")");
			};
		} catch (IOException e) {
			return Optional.of("not run: no python3 (" + e.getMessage() + ")");
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.of("not run: interrupted");
		}
	}

	Outcome run(List<GpuSuite.ReferenceRequest> requests, int warmup, int runs) {
		Optional<String> why = unavailable();
		if (why.isPresent()) {
			return new Outcome(Map.of(), why.get());
		}
		Path script = null;
		Path errors = null;
		try {
			script = Files.createTempFile("atelier-torch-reference", ".py");
			errors = Files.createTempFile("atelier-torch-reference", ".err");
			try (InputStream in = TorchReference.class.getResourceAsStream("/python/torch_reference.py")) {
				if (in == null) {
					return new Outcome(Map.of(), "not run: the bench bundle lacks python/torch_reference.py");
				}
				Files.write(script, in.readAllBytes());
			}
			Map<String, Object> spec = Map.of("warmup", warmup, "runs", runs, "requests", requests);
			// Standard error goes to a file: reading two pipes one after the other could block on a full one.
			Process p = new ProcessBuilder(command(script.toString())).redirectError(errors.toFile()).start();
			p.getOutputStream().write(new Gson().toJson(spec).getBytes(StandardCharsets.UTF_8));
			p.getOutputStream().close();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				return new Outcome(Map.of(), "failed: the PyTorch reference took more than " + timeoutSeconds + " s");
			}
			if (p.exitValue() != 0) {
				return new Outcome(Map.of(), "failed: the PyTorch reference exited with " + p.exitValue() + ": "
						+ lastLine(Files.readString(errors)));
			}
			return parse(out);
		} catch (IOException e) {
			return new Outcome(Map.of(), "failed: " + e.getMessage());
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return new Outcome(Map.of(), "failed: interrupted");
		} finally {
			delete(script);
			delete(errors);
		}
	}

	/** The script's JSON answer; malformed output is reported, not thrown. */
	static Outcome parse(String json) {
		try {
			JsonObject root = JsonParser.parseString(json).getAsJsonObject();
			Map<String, Double> millis = new HashMap<>();
			root.getAsJsonObject("results").entrySet().forEach(e -> millis.put(e.getKey(), e.getValue().getAsDouble()));
			return new Outcome(millis, "PyTorch " + root.get("torch").getAsString() + " on " + root.get("device").getAsString() + ", same run");
		} catch (RuntimeException e) {
			return new Outcome(Map.of(), "failed: the PyTorch reference wrote no usable JSON (" + e.getMessage() + ")");
		}
	}

	private static void delete(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			} catch (IOException e) {
				// a temporary file left behind
			}
		}
	}

	private List<String> command(String... args) {
		List<String> command = new ArrayList<>(python);
		command.addAll(List.of(args));
		return command;
	}

	private static String lastLine(String text) {
		String[] lines = text.strip().split("\n");
		return lines.length == 0 ? "" : lines[lines.length - 1];
	}
}
