package dev.atelier.fuzz;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code run.sh explain TARGET FILE…}: what the target's parser made of each input (accepted, or its refusal). */
public final class Explain {

	private Explain() {
	}

	public static void main(String[] args) throws Throwable {
		String target = Targets.all().get(args[0]);
		if (target == null) {
			throw new IllegalArgumentException("no target '" + args[0] + "'");
		}
		var fuzz = MethodHandles.publicLookup().findStatic(Class.forName(target), "fuzzerTestOneInput", MethodType.methodType(void.class, byte[].class));
		Contract.explain = true;
		for (int i = 1; i < args.length; i++) {
			System.out.println(args[i]);
			fuzz.invokeExact(Files.readAllBytes(Path.of(args[i])));
		}
		System.exit(0); // a target's server (server-dispatch) keeps threads that would hold the JVM
	}
}
