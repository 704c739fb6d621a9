package dev.atelier.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
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

	public static void systemExitByForNameAndGetMethod() throws ReflectiveOperationException {
		Class.forName("java.lang.System").getMethod("exit", int.class).invoke(null, 57);
	}

	public static void runtimeHaltByGetDeclaredMethod() throws ReflectiveOperationException {
		Runtime.class.getDeclaredMethod("halt", int.class).invoke(Runtime.getRuntime(), 58);
	}

	/** A public method of a class found without naming it to a guard, as code that is not woven could hand it over. */
	private static Method unnamed(Class<?> type, String name) {
		return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
	}

	/** {@code Method.invoke} of {@code Method.invoke} on {@code System.exit}: the outer call's target is Method.invoke. */
	public static void systemExitByInvokingMethodInvoke() throws ReflectiveOperationException {
		unnamed(Method.class, "invoke").invoke(unnamed(System.class, "exit"), null, new Object[] { 59 });
	}

	public static void methodInvokeByGetMethod() throws ReflectiveOperationException {
		Method.class.getMethod("invoke", Object.class, Object[].class);
	}

	public static void invokeWithArgumentsByFindVirtual() throws ReflectiveOperationException {
		MethodHandles.lookup().findVirtual(MethodHandle.class, "invokeWithArguments", MethodType.methodType(Object.class, Object[].class));
	}

	public static void findStaticByFindVirtual() throws ReflectiveOperationException {
		MethodHandles.lookup().findVirtual(MethodHandles.Lookup.class, "findStatic",
				MethodType.methodType(MethodHandle.class, Class.class, String.class, MethodType.class));
	}

	public static void findStaticByUnreflect() throws ReflectiveOperationException {
		MethodHandles.lookup().unreflect(unnamed(MethodHandles.Lookup.class, "findStatic"));
	}

	public static void systemExitByUnreflectSpecial() throws Throwable {
		MethodHandles.lookup().unreflectSpecial(unnamed(System.class, "exit"), ExitingPluginCode.class).invoke(60);
	}

	public static void runtimeHaltByFindSpecial() throws Throwable {
		MethodHandles.lookup().findSpecial(Runtime.class, "halt", STATUS, ExitingPluginCode.class).invoke(Runtime.getRuntime(), 61);
	}

	public static void defineClassByReflection() throws ReflectiveOperationException {
		ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class, int.class, int.class);
	}

	public static void beanStatementByReflection() throws ReflectiveOperationException {
		Class.forName("java.beans.Statement").getMethod("execute");
	}

	/** Reflection and handles that reach anything but an exit work as before weaving. */
	public static String otherMethodsByReflectionAndHandles() throws Throwable {
		Object reflected = String.class.getMethod("valueOf", int.class).invoke(null, 55);
		String found = (String) MethodHandles.lookup().findStatic(Integer.class, "toString", MethodType.methodType(String.class, int.class)).invoke(56);
		return reflected + " " + found + " " + MethodHandles.lookup().bind("abc", "length", MethodType.methodType(int.class)).invoke();
	}
}
