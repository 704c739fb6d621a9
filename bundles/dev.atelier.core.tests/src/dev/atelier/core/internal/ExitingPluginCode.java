package dev.atelier.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

	private static final MethodType STATUS = MethodType.methodType(void.class, int.class);

	public static void systemExitByReflection() throws ReflectiveOperationException {
		System.class.getMethod("exit", int.class).invoke(null, 49);
	}

	public static void runtimeHaltByReflection() throws ReflectiveOperationException {
		Runtime.class.getMethod("halt", int.class).invoke(Runtime.getRuntime(), 50);
	}

	public static void systemExitByFindStatic() throws Throwable {
		MethodHandles.lookup().findStatic(System.class, "exit", STATUS).invokeExact(51);
	}

	public static void runtimeExitByFindVirtual() throws Throwable {
		MethodHandles.publicLookup().findVirtual(Runtime.class, "exit", STATUS).invoke(Runtime.getRuntime(), 52);
	}

	public static void systemExitByUnreflect() throws Throwable {
		MethodHandles.lookup().unreflect(System.class.getMethod("exit", int.class)).invoke(53);
	}

	public static void runtimeHaltByBind() throws Throwable {
		MethodHandles.lookup().bind(Runtime.getRuntime(), "halt", STATUS).invoke(54);
	}

	/** Reflection and handles that reach anything but an exit work as before weaving. */
	public static String otherMethodsByReflectionAndHandles() throws Throwable {
		Object reflected = String.class.getMethod("valueOf", int.class).invoke(null, 55);
		String found = (String) MethodHandles.lookup().findStatic(Integer.class, "toString", MethodType.methodType(String.class, int.class)).invoke(56);
		return reflected + " " + found + " " + MethodHandles.lookup().bind("abc", "length", MethodType.methodType(int.class)).invoke();
	}
}
