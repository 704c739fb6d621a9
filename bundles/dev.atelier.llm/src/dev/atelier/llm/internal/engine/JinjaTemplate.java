package dev.atelier.llm.internal.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.ForLoop;

import dev.atelier.llm.ChatMessage;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;
import jinjava.javax.el.PropertyNotFoundException;

/**
 * A GGUF's own {@code tokenizer.chat_template}, rendered by Jinjava as llama.cpp's {@code --jinja} renders it with
 * minja: {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and
 * {@code raise_exception}, with Jinja's {@code trim_blocks}/{@code lstrip_blocks} on as Hugging Face sets them.
 *
 * <p>The template comes from a downloaded file, so it runs sandboxed: no Java method is reachable (calls resolve
 * only to the Python string, list and dict methods below, written here; properties only to maps, lists and
 * {@code loop}), no file can be included, and output, loop iterations, lists and maps are bounded, so a hostile
 * template fails with an error instead of running on or reaching classes.
 */
public final class JinjaTemplate {

	/** Output bound: far above any prompt that fits a context (128k tokens is about 0.5 MB of text). */
	static final long MAX_OUTPUT = 4L << 20;
	/** Loop iterations of one render, all loops together; real templates need one or two per message. */
	static final long MAX_ITERATIONS = 1_000_000;

	private final String source;
	private final String model;
	private final Jinjava jinjava;

	public JinjaTemplate(String source, String model) {
		this.source = source;
		this.model = model;
		JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).withMaxOutputSize(MAX_OUTPUT)
				.withMaxStringLength(MAX_OUTPUT).withMaxListSize(100_000).withMaxMapSize(100_000).withRangeLimit(100_000)
				.withMaxRenderDepth(10).withMaxMacroRecursionDepth(20).withEnableRecursiveMacroCalls(false).withIterateOverMapKeys(true)
				.withNestedInterpretationEnabled(false).withFailOnUnknownTokens(false).withElResolver(sandbox()).withLocale(Locale.ROOT)
				.build();
		jinjava = new Jinjava(config);
		jinjava.setResourceLocator((name, encoding, interpreter) -> {
			throw new java.io.IOException("a chat template cannot include other files (" + name + ")");
		});
		jinjava.registerTag(new CountingForTag());
		jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", JinjaTemplate.class, "raiseException", String.class));
	}

	public String source() {
		return source;
	}

	/**
	 * The prompt for a conversation; {@code bos}/{@code eos} are the vocabulary's BOS and EOS texts. Throws
	 * {@link TemplateException} with the cause when the template fails, raises an exception or exceeds a bound.
	 */
	public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bos, String eos) throws TemplateException {
		List<Map<String, Object>> turns = new ArrayList<>();
		for (ChatMessage m : messages) {
			Map<String, Object> turn = new LinkedHashMap<>();
			turn.put("role", m.role());
			turn.put("content", m.content());
			turns.add(turn);
		}
		Map<String, Object> bindings = new LinkedHashMap<>();
		bindings.put("messages", turns);
		bindings.put("add_generation_prompt", addGenerationPrompt);
		bindings.put("bos_token", bos);
		bindings.put("eos_token", eos);
		bindings.put(ITERATIONS, new AtomicLong());
		RenderResult result;
		try {
			result = jinjava.renderForResult(source, bindings);
		} catch (RuntimeException | StackOverflowError | LinkageError e) { // LinkageError: a part of Jinjava left out of the product
			Raised raised = raised(e);
			throw new TemplateException(model + "'s chat template " + (raised != null ? raised.reason() : "failed: " + describe(e)));
		}
		for (TemplateError error : result.getErrors()) {
			Raised raised = raised(error.getException());
			if (raised != null) {
				throw new TemplateException(model + "'s chat template " + raised.reason());
			}
		}
		for (TemplateError error : result.getErrors()) {
			if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
				throw new TemplateException(model + "'s chat template failed at line " + error.getLineno() + ": " + error.getMessage());
			}
		}
		return result.getOutput();
	}

	private static String describe(Throwable e) {
		return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
	}

	/** Our own stop inside whatever Jinjava wrapped it in. */
	private static Raised raised(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof Raised r) {
				return r;
			}
		}
		return null;
	}

	/** {@code raise_exception(message)}, as Hugging Face's templates call it to refuse a conversation. */
	public static String raiseException(String message) {
		throw new Raised(message, true);
	}

	/** A template's refusal, or a broken bound: it ends the render. */
	static final class Raised extends RuntimeException {
		private static final long serialVersionUID = 1L;

		private final boolean byTemplate;

		Raised(String message) {
			this(message, false);
		}

		Raised(String message, boolean byTemplate) {
			super(message);
			this.byTemplate = byTemplate;
		}

		String reason() {
			return byTemplate ? "raised an exception: " + getMessage() : "was stopped: " + getMessage();
		}
	}

	/** Why a template gave no prompt. */
	public static final class TemplateException extends Exception {
		private static final long serialVersionUID = 1L;

		public TemplateException(String message) {
			super(message);
		}
	}

	private static final String ITERATIONS = "__atelier_iterations";

	/** Jinja's {@code for}, counting iterations across the render so nested loops cannot run for hours. */
	private static final class CountingForTag extends ForTag {
		private static final long serialVersionUID = 1L;

		@Override
		public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars, Object collection) {
			Object counter = interpreter.getContext().get(ITERATIONS);
			if (!(counter instanceof AtomicLong iterations)) {
				throw new Raised("the loop counter is missing");
			}
			List<Object> items = new ArrayList<>();
			ForLoop loop = com.hubspot.jinjava.util.ObjectIterator.getLoop(collection);
			while (loop.hasNext()) {
				if (items.size() >= interpreter.getConfig().getMaxListSize()) {
					throw new Raised("a loop over more than " + interpreter.getConfig().getMaxListSize() + " items");
				}
				items.add(loop.next());
			}
			return super.renderForCollection(tagNode, interpreter, loopVars, new java.util.AbstractList<Object>() {
				@Override
				public Object get(int index) {
					if (iterations.incrementAndGet() > MAX_ITERATIONS) {
						throw new Raised("more than " + MAX_ITERATIONS + " loop iterations");
					}
					return items.get(index);
				}

				@Override
				public int size() {
					return items.size();
				}
			});
		}
	}

	/** Maps, lists and {@code loop} read; Python's string, list and dict methods called; nothing else. */
	private static ELResolver sandbox() {
		CompositeELResolver resolver = new CompositeELResolver();
		resolver.add(new PythonMethods());
		resolver.add(new ArrayELResolver(true));
		resolver.add(new JinjavaListELResolver(true));
		resolver.add(new TypeConvertingMapELResolver(true));
		resolver.add(new LoopProperties());
		return resolver;
	}

	/** {@code loop.index}, {@code loop.first}, … of a for loop: the only object read as a bean. */
	private static final class LoopProperties extends ReadOnlyResolver {
		@Override
		public Object getValue(ELContext context, Object base, Object property) {
			if (base == null || property == null) {
				return null;
			}
			if (!(base instanceof ForLoop loop)) {
				throw new PropertyNotFoundException("no attribute '" + property + "' on a " + pythonType(base));
			}
			context.setPropertyResolved(true);
			return switch (property.toString()) {
			case "index" -> loop.getIndex();
			case "index0" -> loop.getIndex0();
			case "revindex" -> loop.getRevindex();
			case "revindex0" -> loop.getRevindex0();
			case "first" -> loop.isFirst();
			case "last" -> loop.isLast();
			case "length" -> loop.getLength();
			case "depth" -> loop.getDepth();
			case "depth0" -> loop.getDepth0();
			default -> throw new PropertyNotFoundException("no attribute '" + property + "' on loop");
			};
		}

		@Override
		public void setValue(ELContext context, Object base, Object property, Object value) {
			throw new jinjava.javax.el.PropertyNotWritableException("read-only");
		}
	}

	static String pythonType(Object o) {
		if (o instanceof CharSequence || o instanceof SafeString) {
			return "str";
		}
		if (o instanceof Map) {
			return "dict";
		}
		if (o instanceof Collection) {
			return "list";
		}
		if (o instanceof Boolean) {
			return "bool";
		}
		if (o instanceof Number) {
			return "number";
		}
		return "object";
	}

	/** The methods real templates call, with Python's meaning; any other call fails. */
	private static final class PythonMethods extends ReadOnlyResolver {
		private static final Class<?> LIBRARY = com.hubspot.jinjava.lib.filter.Filter.class;
		private static final Class<?> TEST = com.hubspot.jinjava.lib.exptest.ExpTest.class;
		private final ELResolver library = new com.hubspot.jinjava.el.ext.JinjavaBeanELResolver(true);

		@Override
		public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
			if (base == null || method == null) {
				return null;
			}
			String name = method.toString();
			if (LIBRARY.isInstance(base) || TEST.isInstance(base)) {
				return library.invoke(context, base, method, paramTypes, params); // a filter or test of Jinjava's, as `x|trim` compiles
			}
			Object[] args = params == null ? new Object[0] : params;
			Object result = call(base instanceof SafeString safe ? safe.toString() : base, name, args);
			context.setPropertyResolved(true);
			return result;
		}

		@SuppressWarnings("unchecked")
		private static Object call(Object base, String name, Object[] args) {
			if (base instanceof String s) {
				switch (name) {
				case "strip":
					return args.length == 0 ? s.strip() : stripChars(s, str(args[0]), true, true);
				case "lstrip":
					return args.length == 0 ? s.stripLeading() : stripChars(s, str(args[0]), true, false);
				case "rstrip":
					return args.length == 0 ? s.stripTrailing() : stripChars(s, str(args[0]), false, true);
				case "upper":
					return s.toUpperCase(Locale.ROOT);
				case "lower":
					return s.toLowerCase(Locale.ROOT);
				case "title":
				case "capitalize":
					return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
				case "startswith":
					return s.startsWith(str(args[0]));
				case "endswith":
					return s.endsWith(str(args[0]));
				case "replace":
					return s.replace(str(args[0]), str(args[1]));
				case "find":
					return s.indexOf(str(args[0]));
				case "split":
					return split(s, args);
				default:
				}
			} else if (base instanceof Map<?, ?> map) {
				switch (name) {
				case "items":
					List<Object> items = new ArrayList<>();
					map.entrySet().forEach(e -> items.add(List.of(e.getKey(), e.getValue())));
					return items;
				case "keys":
					return new ArrayList<>(map.keySet());
				case "values":
					return new ArrayList<>(map.values());
				case "get":
					return map.containsKey(args[0]) ? map.get(args[0]) : args.length > 1 ? args[1] : null;
				default:
				}
			} else if (base instanceof List<?> list) {
				if (name.equals("append") && args.length == 1) {
					((List<Object>) list).add(args[0]);
					return null;
				}
			}
			throw new MethodNotFoundException("no method '" + name + "' on a " + pythonType(base) + " in a chat template");
		}

		private static String str(Object o) {
			return o == null ? "None" : o.toString();
		}

		private static Object split(String s, Object[] args) {
			List<String> parts = new ArrayList<>();
			if (args.length == 0 || args[0] == null) {
				for (String p : s.strip().split("\\s+")) {
					if (!p.isEmpty()) {
						parts.add(p);
					}
				}
				return parts;
			}
			String sep = str(args[0]);
			int limit = args.length > 1 ? ((Number) args[1]).intValue() : -1;
			int from = 0;
			while (limit != 0) {
				int at = s.indexOf(sep, from);
				if (at < 0 || sep.isEmpty()) {
					break;
				}
				parts.add(s.substring(from, at));
				from = at + sep.length();
				limit--;
			}
			parts.add(s.substring(from));
			return parts;
		}

		private static String stripChars(String s, String chars, boolean left, boolean right) {
			int start = 0;
			int end = s.length();
			while (left && start < end && chars.indexOf(s.charAt(start)) >= 0) {
				start++;
			}
			while (right && end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
				end--;
			}
			return s.substring(start, end);
		}

		@Override
		public Object getValue(ELContext context, Object base, Object property) {
			return null;
		}
	}

	/** A resolver that only reads: it writes nothing and describes no properties. */
	private abstract static class ReadOnlyResolver extends ELResolver {
		@Override
		public Class<?> getType(ELContext context, Object base, Object property) {
			return null;
		}

		@Override
		public void setValue(ELContext context, Object base, Object property, Object value) {
		}

		@Override
		public boolean isReadOnly(ELContext context, Object base, Object property) {
			return true;
		}

		@Override
		public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
			return null;
		}

		@Override
		public Class<?> getCommonPropertyType(ELContext context, Object base) {
			return null;
		}
	}
}
