package dev.atelier.core.internal;

import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.constantpool.FieldRefEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rewrites a plugin's class so that it cannot end the JVM: each call of {@code System.exit}, {@code Runtime.exit} or
 * {@code Runtime.halt} — invoked, or taken as a method reference ({@code System::exit}) — calls instead a method added
 * to the class, with the same arguments, that throws a {@link SecurityException} naming the plugin. Java 25 has no
 * security manager to refuse the exit; the plugin's job fails and Atelier runs on.
 * <p>
 * The ways to name a method at run time go through added guards too: {@code Class.getMethod} and
 * {@code getDeclaredMethod}, {@code Method.invoke}, and a {@code MethodHandles.Lookup}'s {@code findStatic},
 * {@code findVirtual}, {@code findSpecial}, {@code unreflect}, {@code unreflectSpecial} and {@code bind}. A guard passes
 * the call on only when its target is proven harmless by its class and name: it refuses an exit, and it refuses any
 * member of the reflection API itself ({@code java.lang.reflect}, {@code java.lang.invoke}), of the {@code java.beans}
 * classes that call methods by name ({@code Statement}, {@code Expression}, {@code EventHandler}, {@code XMLDecoder})
 * and a class loader's {@code defineClass}, since a {@code Method} of
 * {@code Method.invoke} or a handle of {@code MethodHandle.invokeWithArguments} would reach an exit through code that is
 * not woven. A class that calls what defines or runs code this weaver never sees ({@code ClassLoader.defineClass},
 * {@code Lookup.defineClass}, those {@code java.beans} classes, JShell) is refused as a whole.
 * <p>
 * Not contained, as Java offers no hook for them: native code (JNI, or the foreign function API calling libc's
 * {@code exit}), signals and processes ({@code kill}), and an AWT frame's {@code EXIT_ON_CLOSE}. Plain Java, on the
 * class-file API.
 */
final class ExitCallWeaver {

	private static final ClassDesc SYSTEM = ClassDesc.of("java.lang.System");
	private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.Runtime");
	private static final ClassDesc STRING_BUILDER = ClassDesc.of("java.lang.StringBuilder");
	private static final ClassDesc SECURITY_EXCEPTION = ClassDesc.of("java.lang.SecurityException");
	private static final ClassDesc METHOD = ClassDesc.of("java.lang.reflect.Method");
	private static final ClassDesc LOOKUP = ClassDesc.of("java.lang.invoke.MethodHandles$Lookup");
	private static final ClassDesc METHOD_HANDLE = ClassDesc.of("java.lang.invoke.MethodHandle");
	private static final ClassDesc METHOD_TYPE = ClassDesc.of("java.lang.invoke.MethodType");
	private static final MethodTypeDesc STATUS_ONLY = MethodTypeDesc.of(CD_void, CD_int);
	private static final MethodTypeDesc APPEND_STRING = MethodTypeDesc.of(STRING_BUILDER, CD_String);
	private static final MethodTypeDesc APPEND = MethodTypeDesc.of(CD_String, CD_String);
	private static final MethodTypeDesc FIND = MethodTypeDesc.of(METHOD_HANDLE, CD_Class, CD_String, METHOD_TYPE);
	private static final MethodTypeDesc GET_METHOD = MethodTypeDesc.of(METHOD, CD_String, CD_Class.arrayType());
	private static final MethodTypeDesc STRING_TEST = MethodTypeDesc.of(CD_boolean, CD_String);
	/** {@code atelier$refuseExit(Class, String)}: throws when the class and name are an exit's. */
	private static final String REFUSE_EXIT = "atelier$refuseExit";
	private static final MethodTypeDesc REFUSE_EXIT_TYPE = MethodTypeDesc.of(CD_void, CD_Class, CD_String);
	static final String REFUSAL = "a plugin cannot end Atelier";
	/** Class and method names ({@code java.lang.System.exit}) a guard refuses as an exit. */
	private static final String EXITS = "java\\.lang\\.(System\\.exit|Runtime\\.(exit|halt))";
	/** The classes of {@code java.beans} that call methods named at run time. */
	private static final String BEANS_BY_NAME = "(Statement|Expression|EventHandler|XMLDecoder)";
	/** Class and method names a guard refuses as a way to exits that it could not follow. */
	private static final String UNCHECKED_ROUTES = "java\\.lang\\.(reflect|invoke)\\..*|java\\.beans\\." + BEANS_BY_NAME + "\\..*";
	/** Methods named so (any class loader's) define classes from bytes that no weaving hook sees. */
	private static final String DEFINE_CLASS = "defineClass";

	/**
	 * The calls the weaver redirects: the exits, replaced by a refusal, and the run-time routes to them, replaced by
	 * a guard that refuses an exit ({@code target} pushes its class and name from the replacement's parameters) and
	 * otherwise makes the call.
	 */
	private enum Exit {
		SYSTEM_EXIT(SYSTEM, "exit", STATUS_ONLY, Opcode.INVOKESTATIC, "atelier$systemExit", null),
		RUNTIME_EXIT(RUNTIME, "exit", STATUS_ONLY, Opcode.INVOKEVIRTUAL, "atelier$runtimeExit", null),
		RUNTIME_HALT(RUNTIME, "halt", STATUS_ONLY, Opcode.INVOKEVIRTUAL, "atelier$runtimeHalt", null),
		METHOD_INVOKE(METHOD, "invoke", MethodTypeDesc.of(CD_Object, CD_Object, CD_Object.arrayType()), Opcode.INVOKEVIRTUAL, "atelier$invoke",
				code -> reflected(code, 0)),
		FIND_STATIC(LOOKUP, "findStatic", FIND, Opcode.INVOKEVIRTUAL, "atelier$findStatic", code -> code.aload(1).aload(2)),
		FIND_VIRTUAL(LOOKUP, "findVirtual", FIND, Opcode.INVOKEVIRTUAL, "atelier$findVirtual", code -> code.aload(1).aload(2)),
		FIND_SPECIAL(LOOKUP, "findSpecial", FIND.insertParameterTypes(3, CD_Class), Opcode.INVOKEVIRTUAL, "atelier$findSpecial",
				code -> code.aload(1).aload(2)),
		UNREFLECT_SPECIAL(LOOKUP, "unreflectSpecial", MethodTypeDesc.of(METHOD_HANDLE, METHOD, CD_Class), Opcode.INVOKEVIRTUAL, "atelier$unreflectSpecial",
				code -> reflected(code, 1)),
		GET_METHOD(CD_Class, "getMethod", ExitCallWeaver.GET_METHOD, Opcode.INVOKEVIRTUAL, "atelier$getMethod", code -> code.aload(0).aload(1)),
		GET_DECLARED_METHOD(CD_Class, "getDeclaredMethod", ExitCallWeaver.GET_METHOD, Opcode.INVOKEVIRTUAL, "atelier$getDeclaredMethod",
				code -> code.aload(0).aload(1)),
		UNREFLECT(LOOKUP, "unreflect", MethodTypeDesc.of(METHOD_HANDLE, METHOD), Opcode.INVOKEVIRTUAL, "atelier$unreflect", code -> reflected(code, 1)),
		BIND(LOOKUP, "bind", MethodTypeDesc.of(METHOD_HANDLE, CD_Object, CD_String, METHOD_TYPE), Opcode.INVOKEVIRTUAL, "atelier$bind",
				code -> code.aload(1).invokevirtual(CD_Object, "getClass", MethodTypeDesc.of(CD_Class)).aload(2));

		final ClassDesc owner;
		final String name;
		final MethodTypeDesc type;
		final Opcode invoke;
		final String replacement;
		/** For a route to an exit: pushes the class and the name of the method it reaches; null for an exit. */
		final Consumer<CodeBuilder> target;

		Exit(ClassDesc owner, String name, MethodTypeDesc type, Opcode invoke, String replacement, Consumer<CodeBuilder> target) {
			this.owner = owner;
			this.name = name;
			this.type = type;
			this.invoke = invoke;
			this.replacement = replacement;
			this.target = target;
		}

		/** The replacement's type: the receiver of an instance method becomes its first parameter. */
		MethodTypeDesc replacementType() {
			return invoke == Opcode.INVOKESTATIC ? type : type.insertParameterTypes(0, owner);
		}

		String shown() {
			return owner.displayName() + "." + name;
		}

		static Exit of(ClassDesc owner, String name, MethodTypeDesc type) {
			for (Exit exit : values()) {
				if (exit.owner.equals(owner) && exit.name.equals(name) && exit.type.equals(type)) {
					return exit;
				}
			}
			return null;
		}

		/** The declaring class and name of the {@code Method} in parameter {@code slot}. */
		private static void reflected(CodeBuilder code, int slot) {
			code.aload(slot).invokevirtual(METHOD, "getDeclaringClass", MethodTypeDesc.of(CD_Class)).aload(slot).invokevirtual(METHOD, "getName",
					MethodTypeDesc.of(CD_String));
		}
	}

	private ExitCallWeaver() {
	}

	/**
	 * The class rewritten, or null when it refers to none of the exits.
	 *
	 * @param plugin how the message names the plugin, e.g. {@code dev.example.tool (tool.jar)}
	 * @param loader the plugin's class loader, whose resources describe its classes where stack maps are recomputed
	 * @throws IllegalArgumentException when the class refers to an exit but cannot be rewritten
	 */
	static byte[] weave(byte[] bytes, String plugin, ClassLoader loader) {
		ClassHierarchyResolver hierarchy = ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(loader)).cached();
		ClassFile classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy));
		ClassModel model = classFile.parse(bytes);
		String unchecked = unchecked(model);
		if (unchecked != null) {
			throw new IllegalArgumentException("it calls " + unchecked + ", which would run code that is not checked: a plugin may not");
		}
		Set<Exit> referenced = referenced(model);
		if (referenced.isEmpty()) {
			return null;
		}
		boolean isInterface = model.flags().has(AccessFlag.INTERFACE);
		int flags = ClassFile.ACC_STATIC | ClassFile.ACC_SYNTHETIC;
		if (!isInterface || model.majorVersion() >= ClassFile.JAVA_11_VERSION) {
			flags |= ClassFile.ACC_PRIVATE;
		} else if (model.majorVersion() >= ClassFile.JAVA_8_VERSION) {
			flags |= ClassFile.ACC_PUBLIC; // an interface's private methods came with Java 11, its static ones with Java 8
		} else {
			throw new IllegalArgumentException("an interface of class-file version " + model.majorVersion() + " cannot take a static method");
		}
		Rewrite rewrite = new Rewrite(model.thisClass().asSymbol(), isInterface);
		int methodFlags = flags;
		ClassTransform addReplacements = ClassTransform.endHandler(builder -> {
			referenced.forEach(exit -> addReplacement(builder, exit, plugin, methodFlags, rewrite.self(), isInterface));
			if (referenced.stream().anyMatch(exit -> exit.target != null)) {
				addExitRefusal(builder, plugin, methodFlags);
			}
		});
		return classFile.transformClass(model, ClassTransform.transformingMethodBodies(rewrite).andThen(addReplacements));
	}

	private static Set<Exit> referenced(ClassModel model) {
		Set<Exit> found = EnumSet.noneOf(Exit.class);
		for (PoolEntry entry : model.constantPool()) { // method handles and invocations both name a method through such an entry
			if (entry instanceof MethodRefEntry method) {
				Exit exit = Exit.of(method.owner().asSymbol(), method.name().stringValue(), method.typeSymbol());
				if (exit != null) {
					found.add(exit);
				}
			}
		}
		return found;
	}

	/**
	 * The first method the class calls that defines or runs code no weaving hook sees ({@code Owner.name}), or null:
	 * new classes from bytes, the {@code java.beans} classes that call methods by name, JShell's snippets.
	 */
	private static String unchecked(ClassModel model) {
		for (PoolEntry entry : model.constantPool()) {
			if (entry instanceof MemberRefEntry member && !(entry instanceof FieldRefEntry)) {
				String owner = member.owner().asInternalName();
				String name = member.name().stringValue();
				String type = member.type().stringValue();
				boolean definesClass = name.startsWith(DEFINE_CLASS) && (type.contains("[B") || type.contains("Ljava/nio/ByteBuffer;"))
						|| owner.equals("java/lang/invoke/MethodHandles$Lookup") && name.startsWith("defineHiddenClass");
				if (definesClass || owner.matches("java/beans/" + BEANS_BY_NAME) || owner.startsWith("jdk/jshell/")) {
					return owner.replace('/', '.') + "." + name;
				}
			}
		}
		return null;
	}

	/**
	 * For an exit, {@code throw new SecurityException("plugin P called System.exit(" + status + "): a plugin cannot end
	 * Atelier")}; for a route to one, the refusal of an exit, then the call it replaces.
	 */
	private static void addReplacement(ClassBuilder builder, Exit exit, String plugin, int flags, ClassDesc self, boolean isInterface) {
		if (exit.target != null) {
			builder.withMethodBody(exit.replacement, exit.replacementType(), flags, code -> {
				exit.target.accept(code);
				code.invokestatic(self, REFUSE_EXIT, REFUSE_EXIT_TYPE, isInterface);
				MethodTypeDesc type = exit.replacementType();
				for (int i = 0, slot = 0; i < type.parameterCount(); i++) {
					code.loadLocal(TypeKind.from(type.parameterType(i)), slot);
					slot += TypeKind.from(type.parameterType(i)).slotSize();
				}
				code.invokevirtual(exit.owner, exit.name, exit.type).areturn();
			});
			return;
		}
		int statusSlot = exit.invoke == Opcode.INVOKESTATIC ? 0 : 1;
		builder.withMethodBody(exit.replacement, exit.replacementType(), flags, code -> code.new_(SECURITY_EXCEPTION).dup()
				.new_(STRING_BUILDER).dup().loadConstant("plugin " + plugin + " called " + exit.shown() + "(")
				.invokespecial(STRING_BUILDER, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String))
				.iload(statusSlot).invokevirtual(STRING_BUILDER, "append", MethodTypeDesc.of(STRING_BUILDER, CD_int))
				.loadConstant("): " + REFUSAL).invokevirtual(STRING_BUILDER, "append", MethodTypeDesc.of(STRING_BUILDER, CD_String))
				.invokevirtual(STRING_BUILDER, "toString", MethodTypeDesc.of(CD_String))
				.invokespecial(SECURITY_EXCEPTION, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String)).athrow());
	}

	/**
	 * {@code atelier$refuseExit(Class c, String name)}: throws, naming the plugin and the method, when {@code c.name} is
	 * an exit ({@link #EXITS}), a route this weaver could not follow ({@link #UNCHECKED_ROUTES}) or a class loader's
	 * {@code defineClass}; returns otherwise.
	 */
	private static void addExitRefusal(ClassBuilder builder, String plugin, int flags) {
		builder.withMethodBody(REFUSE_EXIT, REFUSE_EXIT_TYPE, flags, code -> {
			Label exit = code.newLabel();
			Label unchecked = code.newLabel();
			Label allowed = code.newLabel();
			code.aload(0).invokevirtual(CD_Class, "getName", MethodTypeDesc.of(CD_String)).loadConstant(".").invokevirtual(CD_String, "concat", APPEND)
					.aload(1).invokevirtual(CD_String, "concat", APPEND).astore(2)
					.aload(2).loadConstant(EXITS).invokevirtual(CD_String, "matches", STRING_TEST).ifne(exit)
					.aload(2).loadConstant(UNCHECKED_ROUTES).invokevirtual(CD_String, "matches", STRING_TEST).ifne(unchecked)
					.loadConstant(ClassDesc.of("java.lang.ClassLoader")).aload(0).invokevirtual(CD_Class, "isAssignableFrom", MethodTypeDesc.of(CD_boolean, CD_Class))
					.ifeq(allowed).aload(1).loadConstant(DEFINE_CLASS).invokevirtual(CD_String, "startsWith", STRING_TEST).ifne(unchecked).goto_(allowed);
			throwRefusal(code.labelBinding(exit), plugin, REFUSAL);
			throwRefusal(code.labelBinding(unchecked), plugin, "its target could not be checked for System.exit, Runtime.exit and Runtime.halt: " + REFUSAL);
			code.labelBinding(allowed).return_();
		});
	}

	/** {@code throw new SecurityException("plugin P called " + c.getSimpleName() + "." + name + " by reflection or a method handle: " + why)}. */
	private static void throwRefusal(CodeBuilder code, String plugin, String why) {
		code.new_(SECURITY_EXCEPTION).dup().new_(STRING_BUILDER).dup().loadConstant("plugin " + plugin + " called ")
				.invokespecial(STRING_BUILDER, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String)).aload(0)
				.invokevirtual(CD_Class, "getSimpleName", MethodTypeDesc.of(CD_String)).invokevirtual(STRING_BUILDER, "append", APPEND_STRING)
				.loadConstant(".").invokevirtual(STRING_BUILDER, "append", APPEND_STRING).aload(1).invokevirtual(STRING_BUILDER, "append", APPEND_STRING)
				.loadConstant(" by reflection or a method handle: " + why).invokevirtual(STRING_BUILDER, "append", APPEND_STRING)
				.invokevirtual(STRING_BUILDER, "toString", MethodTypeDesc.of(CD_String))
				.invokespecial(SECURITY_EXCEPTION, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String)).athrow();
	}

	/** Points invocations and method handles of an exit at the class's replacement: same arguments, same stack. */
	private record Rewrite(ClassDesc self, boolean isInterface) implements CodeTransform {

		@Override
		public void accept(CodeBuilder code, CodeElement element) {
			switch (element) {
			case InvokeInstruction invoke when exitOf(invoke) != null -> {
				Exit exit = exitOf(invoke);
				code.invokestatic(self, exit.replacement, exit.replacementType(), isInterface);
			}
			case InvokeDynamicInstruction indy -> {
				List<ConstantDesc> args = indy.bootstrapArgs();
				ConstantDesc[] mapped = args.stream().map(this::redirect).toArray(ConstantDesc[]::new);
				if (changed(args, mapped)) {
					code.invokedynamic(DynamicCallSiteDesc.of(indy.bootstrapMethod(), indy.name().stringValue(), indy.typeSymbol(), mapped));
				} else {
					code.with(element);
				}
			}
			case ConstantInstruction.LoadConstantInstruction load -> {
				ConstantDesc value = load.constantValue();
				ConstantDesc mapped = redirect(value);
				if (mapped != value) {
					code.ldc(mapped);
				} else {
					code.with(element);
				}
			}
			default -> code.with(element);
			}
		}

		private static Exit exitOf(InvokeInstruction invoke) {
			Exit exit = Exit.of(invoke.owner().asSymbol(), invoke.name().stringValue(), invoke.typeSymbol());
			return exit != null && exit.invoke == invoke.opcode() ? exit : null;
		}

		/** The constant with every handle of an exit replaced, or the very same constant when it has none. */
		private ConstantDesc redirect(ConstantDesc constant) {
			if (constant instanceof DirectMethodHandleDesc handle && (handle.kind() == DirectMethodHandleDesc.Kind.STATIC
					|| handle.kind() == DirectMethodHandleDesc.Kind.VIRTUAL)) {
				Exit exit = Exit.of(handle.owner(), handle.methodName(), MethodTypeDesc.ofDescriptor(handle.lookupDescriptor()));
				if (exit != null && (exit.invoke == Opcode.INVOKESTATIC) == (handle.kind() == DirectMethodHandleDesc.Kind.STATIC)) {
					return MethodHandleDesc.ofMethod(isInterface ? DirectMethodHandleDesc.Kind.INTERFACE_STATIC : DirectMethodHandleDesc.Kind.STATIC, self,
							exit.replacement, exit.replacementType());
				}
			} else if (constant instanceof DynamicConstantDesc<?> dynamic) {
				List<ConstantDesc> args = dynamic.bootstrapArgsList();
				ConstantDesc[] mapped = args.stream().map(this::redirect).toArray(ConstantDesc[]::new);
				if (changed(args, mapped)) {
					return DynamicConstantDesc.ofNamed(dynamic.bootstrapMethod(), dynamic.constantName(), dynamic.constantType(), mapped);
				}
			}
			return constant;
		}

		private static boolean changed(List<ConstantDesc> before, ConstantDesc[] after) {
			for (int i = 0; i < after.length; i++) {
				if (after[i] != before.get(i)) {
					return true;
				}
			}
			return false;
		}
	}
}
