package dev.atelier.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugin classes woven so that System.exit, Runtime.exit and Runtime.halt throw naming the plugin instead of ending the JVM. */
class ExitCallWeaverTest {

	private static final String PLUGIN = "dev.example.quitter (quitter.jar)";
	private static Class<?> woven;

	/** {@link ExitingPluginCode} and its interface woven and defined in a loader of their own; the originals never run. */
	@BeforeAll
	static void weave() throws IOException {
		ClassLoader parent = ExitingPluginCode.class.getClassLoader();
		WovenLoader loader = new WovenLoader(parent);
		loader.define(weave(ExitingPluginCode.Tool.class));
		woven = loader.define(weave(ExitingPluginCode.class));
	}

	private static byte[] weave(Class<?> type) throws IOException {
		byte[] rewritten = ExitCallWeaver.weave(bytes(type), PLUGIN, type.getClassLoader());
		assertNotNull(rewritten, type + " calls an exit");
		return rewritten;
	}

	private static byte[] bytes(Class<?> type) throws IOException {
		try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
			return in.readAllBytes();
		}
	}

	private static final class WovenLoader extends ClassLoader {
		WovenLoader(ClassLoader parent) {
			super(parent);
		}

		Class<?> define(byte[] bytes) {
			return defineClass(null, bytes, 0, bytes.length);
		}
	}

	private static SecurityException thrownBy(String method) throws NoSuchMethodException {
		Method m = woven.getMethod(method);
		InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null));
		return assertInstanceOf(SecurityException.class, e.getCause());
	}

	@Test
	void systemExitThrowsNamingThePluginAndTheStatus() throws Exception {
		assertEquals("plugin dev.example.quitter (quitter.jar) called System.exit(42): a plugin cannot end Atelier", thrownBy("systemExit").getMessage());
	}

	@Test
	void runtimeExitAndHaltThrowToo() throws Exception {
		assertEquals("plugin " + PLUGIN + " called Runtime.exit(43): a plugin cannot end Atelier", thrownBy("runtimeExit").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt(44): a plugin cannot end Atelier", thrownBy("runtimeHalt").getMessage());
	}

	@Test
	void methodReferencesToTheExitsThrowToo() throws Exception {
		assertEquals("plugin " + PLUGIN + " called System.exit(45): a plugin cannot end Atelier", thrownBy("systemExitByReference").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt(46): a plugin cannot end Atelier", thrownBy("runtimeHaltByBoundReference").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.exit(47): a plugin cannot end Atelier", thrownBy("runtimeExitByUnboundReference").getMessage());
	}

	@Test
	void anInterfacesStaticMethodThrowsToo() throws Exception {
		assertEquals("plugin " + PLUGIN + " called System.exit(7): a plugin cannot end Atelier", thrownBy("toolQuits").getMessage());
	}

	@Test
	void aMethodThatExitsOnABranchStillRunsItsOtherBranch() throws Exception {
		Method m = woven.getMethod("exitWhenAsked", Object.class);
		assertEquals("ran on with none", m.invoke(null, 3));
		InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, "exit"));
		assertEquals("plugin " + PLUGIN + " called System.exit(48): a plugin cannot end Atelier", e.getCause().getMessage());
	}

	@Test
	void aClassThatCallsNoExitIsLeftAsItIs() throws Exception {
		assertNull(ExitCallWeaver.weave(bytes(NoExit.class), PLUGIN, NoExit.class.getClassLoader()));
	}

	/** Calls neither an exit nor reflection or a lookup that could reach one. */
	static final class NoExit {
		static int twice(int x) {
			return 2 * x;
		}
	}

	@Test
	void exitsReachedByReflectionOrAMethodHandleLookupThrowToo() throws Exception {
		String via = " by reflection or a method handle: a plugin cannot end Atelier";
		assertEquals("plugin " + PLUGIN + " called System.exit" + via, thrownBy("systemExitByReflection").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt" + via, thrownBy("runtimeHaltByReflection").getMessage());
		assertEquals("plugin " + PLUGIN + " called System.exit" + via, thrownBy("systemExitByFindStatic").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.exit" + via, thrownBy("runtimeExitByFindVirtual").getMessage());
		assertEquals("plugin " + PLUGIN + " called System.exit" + via, thrownBy("systemExitByUnreflect").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt" + via, thrownBy("runtimeHaltByBind").getMessage());
	}

	@Test
	void exitsNamedByClassForNameAndGetMethodOrGetDeclaredMethodThrow() throws Exception {
		String via = " by reflection or a method handle: a plugin cannot end Atelier";
		assertEquals("plugin " + PLUGIN + " called System.exit" + via, thrownBy("systemExitByForNameAndGetMethod").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt" + via, thrownBy("runtimeHaltByGetDeclaredMethod").getMessage());
	}

	@Test
	void exitsReachedByFindSpecialOrUnreflectSpecialThrow() throws Exception {
		String via = " by reflection or a method handle: a plugin cannot end Atelier";
		assertEquals("plugin " + PLUGIN + " called System.exit" + via, thrownBy("systemExitByUnreflectSpecial").getMessage());
		assertEquals("plugin " + PLUGIN + " called Runtime.halt" + via, thrownBy("runtimeHaltByFindSpecial").getMessage());
	}

	@Test
	void theReflectionApiReachedByReflectionOrAHandleThrows() throws Exception {
		String via = " by reflection or a method handle: its target could not be checked for System.exit, Runtime.exit and Runtime.halt: "
				+ "a plugin cannot end Atelier";
		assertEquals("plugin " + PLUGIN + " called Method.invoke" + via, thrownBy("systemExitByInvokingMethodInvoke").getMessage());
		assertEquals("plugin " + PLUGIN + " called Method.invoke" + via, thrownBy("methodInvokeByGetMethod").getMessage());
		assertEquals("plugin " + PLUGIN + " called MethodHandle.invokeWithArguments" + via, thrownBy("invokeWithArgumentsByFindVirtual").getMessage());
		assertEquals("plugin " + PLUGIN + " called Lookup.findStatic" + via, thrownBy("findStaticByFindVirtual").getMessage());
		assertEquals("plugin " + PLUGIN + " called Lookup.findStatic" + via, thrownBy("findStaticByUnreflect").getMessage());
	}

	@Test
	void classDefinitionAndBeanStatementsReachedByReflectionThrow() throws Exception {
		String via = " by reflection or a method handle: its target could not be checked for System.exit, Runtime.exit and Runtime.halt: "
				+ "a plugin cannot end Atelier";
		assertEquals("plugin " + PLUGIN + " called ClassLoader.defineClass" + via, thrownBy("defineClassByReflection").getMessage());
		assertEquals("plugin " + PLUGIN + " called Statement.execute" + via, thrownBy("beanStatementByReflection").getMessage());
	}

	@Test
	void aClassThatDefinesClassesOrRunsCodeByNameIsRefusedNamingTheCall() {
		assertEquals("it calls dev.atelier.core.internal.ExitCallWeaverTest$DefinesClasses.defineClass, which would run code that is not checked: a plugin may not",
				refusal(DefinesClasses.class));
		assertEquals("it calls java.lang.invoke.MethodHandles$Lookup.defineClass, which would run code that is not checked: a plugin may not",
				refusal(DefinesClassesByLookup.class));
		assertEquals("it calls java.beans.Statement.<init>, which would run code that is not checked: a plugin may not", refusal(RunsStatements.class));
	}

	private static String refusal(Class<?> type) {
		return assertThrows(IllegalArgumentException.class, () -> ExitCallWeaver.weave(bytes(type), PLUGIN, type.getClassLoader())).getMessage();
	}

	/** A plugin's own class loader: what it defines is never woven. */
	static final class DefinesClasses extends ClassLoader {
		Class<?> define(byte[] bytes) {
			return defineClass(null, bytes, 0, bytes.length);
		}
	}

	static final class DefinesClassesByLookup {
		static Class<?> define(byte[] bytes) throws IllegalAccessException {
			return MethodHandles.lookup().defineClass(bytes);
		}
	}

	/** {@code Statement.execute} calls the method it names from code that is not woven. */
	static final class RunsStatements {
		static void halt() throws Exception {
			new java.beans.Statement(Runtime.getRuntime(), "halt", new Object[] { 62 }).execute();
		}
	}

	@Test
	void reflectionAndHandlesThatReachNoExitWorkAsBefore() throws Exception {
		assertEquals("55 56 3", woven.getMethod("otherMethodsByReflectionAndHandles").invoke(null));
	}
}
