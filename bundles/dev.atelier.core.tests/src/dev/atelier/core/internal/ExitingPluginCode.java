package dev.atelier.core.internal;

import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/** A plugin's code that ends the JVM in every way the weaver rewrites; only ever run woven (see {@link ExitCallWeaverTest}). */
public final class ExitingPluginCode {

	/** An interface's static method: the replacement it gets must be an interface method. */
	public interface Tool {
		static void quit() {
			System.exit(7);
		}
	}

	private ExitingPluginCode() {
	}

	public static void systemExit() {
		System.exit(42);
	}

	public static void runtimeExit() {
		Runtime.getRuntime().exit(43);
	}

	public static void runtimeHalt() {
		Runtime.getRuntime().halt(44);
	}

	public static void systemExitByReference() {
		IntConsumer exit = System::exit;
		exit.accept(45);
	}

	public static void runtimeHaltByBoundReference() {
		IntConsumer halt = Runtime.getRuntime()::halt;
		halt.accept(46);
	}

	public static void runtimeExitByUnboundReference() {
		ObjIntConsumer<Runtime> exit = Runtime::exit;
		exit.accept(Runtime.getRuntime(), 47);
	}

	/** Exits on a branch, where the rewritten method's stack maps must be recomputed: what follows still runs otherwise. */
	public static String exitWhenAsked(Object request) {
		CharSequence text = request instanceof String s ? s : new StringBuilder("none");
		if (text.toString().equals("exit")) {
			System.exit(48);
		}
		return "ran on with " + text;
	}

	public static void toolQuits() {
		Tool.quit();
	}
}
