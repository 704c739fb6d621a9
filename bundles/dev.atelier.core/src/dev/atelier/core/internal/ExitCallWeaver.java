package dev.atelier.core.internal;

import static java.lang.constant.ConstantDescs.CD_String;
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
import java.lang.classfile.Opcode;
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

/**
 * Rewrites a plugin's class so that it cannot end the JVM: each call of {@code System.exit}, {@code Runtime.exit} or
 * {@code Runtime.halt} — invoked, or taken as a method reference ({@code System::exit}) — calls instead a method added
 * to the class, with the same arguments, that throws a {@link SecurityException} naming the plugin. Java 25 has no
 * security manager to refuse the exit; the plugin's job fails and Atelier runs on. Reflection and method handles looked
 * up at run time are not rewritten: this contains careless plugins, not hostile ones. Plain Java, on the class-file API.
 */
final class ExitCallWeaver {

	private static final ClassDesc SYSTEM = ClassDesc.of("java.lang.System");
	private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.Runtime");
	private static final ClassDesc STRING_BUILDER = ClassDesc.of("java.lang.StringBuilder");
	private static final ClassDesc SECURITY_EXCEPTION = ClassDesc.of("java.lang.SecurityException");
	private static final MethodTypeDesc STATUS_ONLY = MethodTypeDesc.of(CD_void, CD_int);
	static final String REFUSAL = "a plugin cannot end Atelier";

	private enum Exit {
		SYSTEM_EXIT(SYSTEM, "exit", Opcode.INVOKESTATIC, "atelier$systemExit"),
		RUNTIME_EXIT(RUNTIME, "exit", Opcode.INVOKEVIRTUAL, "atelier$runtimeExit"),
		RUNTIME_HALT(RUNTIME, "halt", Opcode.INVOKEVIRTUAL, "atelier$runtimeHalt");

		final ClassDesc owner;
		final String name;
		final Opcode invoke;
		final String replacement;

		Exit(ClassDesc owner, String name, Opcode invoke, String replacement) {
			this.owner = owner;
			this.name = name;
			this.invoke = invoke;
			this.replacement = replacement;
		}

		/** The replacement's type: the receiver of an instance method becomes its first parameter. */
		MethodTypeDesc replacementType() {
			return invoke == Opcode.INVOKESTATIC ? STATUS_ONLY : MethodTypeDesc.of(CD_void, RUNTIME, CD_int);
		}

		String shown() {
			return owner.displayName() + "." + name;
		}

		static Exit of(ClassDesc owner, String name, MethodTypeDesc type) {
			for (Exit exit : values()) {
				if (exit.owner.equals(owner) && exit.name.equals(name) && STATUS_ONLY.equals(type)) {
					return exit;
				}
			}
			return null;
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
		ClassTransform addReplacements = ClassTransform.endHandler(builder -> referenced.forEach(exit -> addReplacement(builder, exit, plugin, methodFlags)));
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

	/** {@code throw new SecurityException("plugin P called System.exit(" + status + "): a plugin cannot end Atelier")}. */
	private static void addReplacement(ClassBuilder builder, Exit exit, String plugin, int flags) {
		int statusSlot = exit.invoke == Opcode.INVOKESTATIC ? 0 : 1;
		builder.withMethodBody(exit.replacement, exit.replacementType(), flags, code -> code.new_(SECURITY_EXCEPTION).dup()
				.new_(STRING_BUILDER).dup().loadConstant("plugin " + plugin + " called " + exit.shown() + "(")
				.invokespecial(STRING_BUILDER, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String))
				.iload(statusSlot).invokevirtual(STRING_BUILDER, "append", MethodTypeDesc.of(STRING_BUILDER, CD_int))
				.loadConstant("): " + REFUSAL).invokevirtual(STRING_BUILDER, "append", MethodTypeDesc.of(STRING_BUILDER, CD_String))
				.invokevirtual(STRING_BUILDER, "toString", MethodTypeDesc.of(CD_String))
				.invokespecial(SECURITY_EXCEPTION, INIT_NAME, MethodTypeDesc.of(CD_void, CD_String)).athrow());
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
