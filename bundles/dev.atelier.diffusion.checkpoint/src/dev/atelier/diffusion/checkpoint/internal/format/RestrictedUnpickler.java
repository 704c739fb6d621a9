package dev.atelier.diffusion.checkpoint.internal.format;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pickles {@code torch.save} writes into plain values, executing nothing: a pickle's globals are only names
 * here, and a name outside the short list that tensor storage and Lightning's checkpoint bookkeeping use is refused as
 * {@code module.name} the moment it is met. Results: {@link Map} (dict, OrderedDict), {@link List} (list),
 * {@link Tuple}, String, Long (BigInteger beyond 64 bits), Double, Boolean, byte[], null, {@link TensorRef} and {@link Inert} for the allowed
 * non-tensor objects, whose contents are dropped.
 */
public final class RestrictedUnpickler {

	/** A pickle global, by name only. */
	public record Global(String module, String name) {
		@Override
		public String toString() {
			return module + "." + name;
		}
	}

	public record Tuple(List<Object> items) {
	}

	/** A storage named by a persistent id: its type (torch.FloatStorage …), key in the archive and element count. */
	public record StorageRef(Global type, String key, long elements) {
	}

	/** What torch._utils._rebuild_tensor_v2 would build: a view of a storage. */
	public record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
	}

	/** An allowed object that holds no tensor (a numpy scalar, Lightning's ModelCheckpoint state). */
	public record Inert(Global type) {
	}

	/** A refused or malformed pickle; the message says what and where, the caller adds the file. */
	public static final class PickleException extends Exception {
		private static final long serialVersionUID = 1L;

		PickleException(String message) {
			super(message);
		}
	}

	static final Set<String> STORAGE_TYPES = Set.of("FloatStorage", "HalfStorage", "BFloat16Storage", "DoubleStorage", "LongStorage",
			"IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage");
	/** Objects real checkpoints carry beside the weights (Lightning callbacks, numpy scalars of their scores). */
	private static final Set<String> INERT = Set.of("pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint", "numpy.core.multiarray.scalar",
			"numpy.dtype", "_codecs.encode", "builtins.set", "__builtin__.set");

	private static final Object MARK = new Object();
	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfLong BIG_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

	private final MemorySegment in;
	private long at;

	/** Reads pickles from {@code in}, one after another starting at {@code start}. */
	public RestrictedUnpickler(MemorySegment in, long start) {
		this.in = in;
		this.at = start;
	}

	/** Where the next pickle starts (after STOP of the last one read). */
	public long position() {
		return at;
	}

	public static boolean allowed(Global g) {
		String full = g.toString();
		return full.equals("collections.OrderedDict") || full.equals("torch._utils._rebuild_tensor_v2") || full.equals("torch._utils._rebuild_parameter")
				|| (g.module().equals("torch") && STORAGE_TYPES.contains(g.name())) || INERT.contains(full);
	}

	/** Reads one pickle, up to and including its STOP. */
	public Object load() throws PickleException {
		List<Object> stack = new ArrayList<>();
		Map<Long, Object> memo = new HashMap<>();
		while (true) {
			long opAt = at;
			int op = u8();
			switch (op) {
			case 0x80 -> u8(); // PROTO
			case 0x95 -> bytes(8); // FRAME: a length hint only
			case '.' -> {
				if (stack.size() != 1) {
					throw new PickleException("STOP at byte " + opAt + " with " + stack.size() + " values on the stack");
				}
				return stack.get(0);
			}
			case '}' -> stack.add(new LinkedHashMap<>());
			case ']' -> stack.add(new ArrayList<>());
			case ')' -> stack.add(new Tuple(List.of()));
			case '(' -> stack.add(MARK);
			case 'N' -> stack.add(null);
			case 0x88 -> stack.add(Boolean.TRUE);
			case 0x89 -> stack.add(Boolean.FALSE);
			case 'K' -> stack.add((long) u8());
			case 'M' -> stack.add((long) (u8() | u8() << 8));
			case 'J' -> stack.add((long) i32());
			case 0x8a -> stack.add(long1(u8(), opAt));
			case 'G' -> stack.add(Double.longBitsToDouble(read(BIG_LONG, 8)));
			case 'X' -> stack.add(utf8(len32(opAt)));
			case 0x8c -> stack.add(utf8(u8()));
			case 0x8d -> stack.add(utf8(len64(opAt)));
			case 'U' -> stack.add(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
			case 'T' -> stack.add(new String(bytes(len32(opAt)), StandardCharsets.ISO_8859_1));
			case 'C' -> stack.add(bytes(u8()));
			case 'B' -> stack.add(bytes(len32(opAt)));
			case 'q' -> memo.put((long) u8(), top(stack, opAt));
			case 'r' -> memo.put((long) i32(), top(stack, opAt));
			case 0x94 -> memo.put((long) memo.size(), top(stack, opAt));
			case 'h' -> stack.add(memo(memo, u8(), opAt));
			case 'j' -> stack.add(memo(memo, i32(), opAt));
			case '0' -> pop(stack, opAt);
			case '2' -> stack.add(top(stack, opAt));
			case '1' -> popMark(stack, opAt);
			case 't' -> stack.add(new Tuple(popMark(stack, opAt)));
			case 0x85, 0x86, 0x87 -> {
				int n = op - 0x84;
				List<Object> items = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					items.add(0, pop(stack, opAt));
				}
				stack.add(new Tuple(items));
			}
			case 'c' -> stack.add(global(line(opAt), line(opAt), opAt));
			case 'i' -> {
				Global g = global(line(opAt), line(opAt), opAt);
				popMark(stack, opAt);
				stack.add(new Inert(g));
			}
			case 0x93 -> {
				Object name = pop(stack, opAt);
				Object module = pop(stack, opAt);
				if (!(module instanceof String m) || !(name instanceof String n)) {
					throw new PickleException("STACK_GLOBAL at byte " + opAt + " without a module and a name");
				}
				stack.add(global(m, n, opAt));
			}
			case 'Q' -> stack.add(storage(pop(stack, opAt), opAt));
			case 'R' -> {
				Object args = pop(stack, opAt);
				Object callable = pop(stack, opAt);
				stack.add(call(callable, args, opAt));
			}
			case 0x81 -> {
				Object args = pop(stack, opAt);
				Object cls = pop(stack, opAt);
				stack.add(call(cls, args, opAt));
			}
			case 'b' -> pop(stack, opAt); // BUILD: the state of an OrderedDict (_metadata) or of an inert object is not needed
			case 's' -> {
				Object value = pop(stack, opAt);
				Object key = pop(stack, opAt);
				dict(top(stack, opAt), opAt).put(key(key, opAt), value);
			}
			case 'u' -> {
				List<Object> items = popMark(stack, opAt);
				Map<Object, Object> d = dict(top(stack, opAt), opAt);
				if (items.size() % 2 != 0) {
					throw new PickleException("SETITEMS at byte " + opAt + " with an odd number of values");
				}
				for (int i = 0; i < items.size(); i += 2) {
					d.put(key(items.get(i), opAt), items.get(i + 1));
				}
			}
			case 'a' -> {
				Object value = pop(stack, opAt);
				list(top(stack, opAt), opAt).add(value);
			}
			case 'e' -> {
				List<Object> items = popMark(stack, opAt);
				list(top(stack, opAt), opAt).addAll(items);
			}
			default -> throw new PickleException(String.format("pickle opcode 0x%02x at byte %d is not one torch.save writes", op, opAt));
			}
		}
	}

	private Global global(String module, String name, long opAt) throws PickleException {
		Global g = new Global(module, name);
		if (!allowed(g)) {
			throw new PickleException("refused pickle global " + g + " at byte " + opAt
					+ ": a checkpoint needs only tensor storage, and nothing in a file is executed");
		}
		return g;
	}

	/** torch.save's persistent id: ('storage', storage type, key, location, element count[, view metadata]). */
	private static StorageRef storage(Object pid, long opAt) throws PickleException {
		if (pid instanceof Tuple(List<Object> t) && t.size() >= 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global type
				&& type.module().equals("torch") && STORAGE_TYPES.contains(type.name()) && t.get(2) instanceof String key
				&& t.get(4) instanceof Long n && n >= 0) {
			return new StorageRef(type, key, n);
		}
		throw new PickleException("persistent id at byte " + opAt + " is not a tensor storage: " + pid);
	}

	private static Object call(Object callable, Object args, long opAt) throws PickleException {
		if (!(callable instanceof Global g)) {
			throw new PickleException("call at byte " + opAt + " of " + describe(callable) + ", not of an allowed global");
		}
		List<Object> a = args instanceof Tuple(List<Object> items) ? items : List.of();
		return switch (g.toString()) {
		case "collections.OrderedDict" -> new LinkedHashMap<>();
		case "torch._utils._rebuild_parameter" -> {
			if (a.isEmpty() || !(a.get(0) instanceof TensorRef)) {
				throw new PickleException("_rebuild_parameter at byte " + opAt + " without a tensor");
			}
			yield a.get(0);
		}
		case "torch._utils._rebuild_tensor_v2" -> {
			if (a.size() < 4 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long offset) || !(a.get(2) instanceof Tuple size)
					|| !(a.get(3) instanceof Tuple stride)) {
				throw new PickleException("_rebuild_tensor_v2 at byte " + opAt + " with arguments that are not (storage, offset, size, stride)");
			}
			if (offset < 0) {
				throw new PickleException("_rebuild_tensor_v2 at byte " + opAt + " with the negative storage offset " + offset);
			}
			yield new TensorRef(s, offset, longs(size, opAt), longs(stride, opAt));
		}
		default -> new Inert(g);
		};
	}

	/**
	 * A dict key as Python takes it: not a list or dict (unhashable), nor a tuple holding one. Such a key could also
	 * hold itself, and hashing it would never end (found by fuzzing: a StackOverflowError).
	 */
	private static Object key(Object key, long opAt) throws PickleException {
		if (!hashable(key)) {
			throw new PickleException("dict key at byte " + opAt + " is a list or dict, or a tuple holding one (unhashable)");
		}
		return key;
	}

	private static boolean hashable(Object o) {
		if (o instanceof Tuple(List<Object> items)) {
			return items.stream().allMatch(RestrictedUnpickler::hashable);
		}
		return !(o instanceof List<?> || o instanceof Map<?, ?>);
	}

	private static long[] longs(Tuple t, long opAt) throws PickleException {
		long[] out = new long[t.items().size()];
		for (int i = 0; i < out.length; i++) {
			if (!(t.items().get(i) instanceof Long v) || v < 0) {
				throw new PickleException("tensor size or stride at byte " + opAt + " is not a tuple of non-negative integers");
			}
			out[i] = v;
		}
		return out;
	}

	private static String describe(Object o) {
		return o == null ? "None" : o.getClass().getSimpleName();
	}

	@SuppressWarnings("unchecked")
	private static Map<Object, Object> dict(Object o, long opAt) throws PickleException {
		if (o instanceof Map<?, ?> m) {
			return (Map<Object, Object>) m;
		}
		if (o instanceof Inert) {
			return new HashMap<>(); // an inert object's items are dropped
		}
		throw new PickleException("SETITEM at byte " + opAt + " on a " + describe(o));
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object o, long opAt) throws PickleException {
		if (o instanceof List<?> l) {
			return (List<Object>) l;
		}
		if (o instanceof Inert) {
			return new ArrayList<>();
		}
		throw new PickleException("APPEND at byte " + opAt + " on a " + describe(o));
	}

	private static Object pop(List<Object> stack, long opAt) throws PickleException {
		Object o = top(stack, opAt);
		stack.remove(stack.size() - 1);
		return o;
	}

	private static Object top(List<Object> stack, long opAt) throws PickleException {
		if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
			throw new PickleException("stack underflow at byte " + opAt);
		}
		return stack.get(stack.size() - 1);
	}

	private static List<Object> popMark(List<Object> stack, long opAt) throws PickleException {
		int mark = stack.lastIndexOf(MARK);
		if (mark < 0) {
			throw new PickleException("no MARK before byte " + opAt);
		}
		List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
		stack.subList(mark, stack.size()).clear();
		return items;
	}

	private static Object memo(Map<Long, Object> memo, long index, long opAt) throws PickleException {
		if (!memo.containsKey(index)) {
			throw new PickleException("memo " + index + " read at byte " + opAt + " was never written");
		}
		return memo.get(index);
	}

	/** LONG1: little-endian two's complement; a Long where it fits, else a BigInteger (the legacy format's magic number). */
	private Object long1(int n, long opAt) throws PickleException {
		byte[] b = bytes(n);
		if (n > 8) {
			byte[] big = new byte[n];
			for (int i = 0; i < n; i++) {
				big[i] = b[n - 1 - i];
			}
			return new BigInteger(big);
		}
		long v = 0;
		for (int i = n - 1; i >= 0; i--) {
			v = v << 8 | (b[i] & 0xff);
		}
		if (n > 0 && n < 8 && (b[n - 1] & 0x80) != 0) {
			v -= 1L << (8 * n);
		}
		return v;
	}

	private String line(long opAt) throws PickleException {
		StringBuilder sb = new StringBuilder();
		while (true) {
			int c = u8();
			if (c == '\n') {
				return sb.toString();
			}
			if (sb.length() > 256) {
				throw new PickleException("GLOBAL at byte " + opAt + " has no line end within 256 bytes");
			}
			sb.append((char) c);
		}
	}

	private int len32(long opAt) throws PickleException {
		int n = i32();
		if (n < 0) {
			throw new PickleException("negative length at byte " + opAt);
		}
		return n;
	}

	private int len64(long opAt) throws PickleException {
		long n = read(LONG, 8);
		if (n < 0 || n > Integer.MAX_VALUE) {
			throw new PickleException("length " + n + " at byte " + opAt + " is out of range");
		}
		return (int) n;
	}

	private String utf8(int n) throws PickleException {
		return new String(bytes(n), StandardCharsets.UTF_8);
	}

	private int u8() throws PickleException {
		need(1);
		return in.get(ValueLayout.JAVA_BYTE, at++) & 0xff;
	}

	private int i32() throws PickleException {
		return (int) read(null, 4);
	}

	private long read(ValueLayout.OfLong layout, int size) throws PickleException {
		need(size);
		long v = layout == null ? in.get(INT, at) : in.get(layout, at);
		at += size;
		return v;
	}

	private byte[] bytes(int n) throws PickleException {
		need(n);
		byte[] b = in.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
		at += n;
		return b;
	}

	private void need(long n) throws PickleException {
		if (at + n > in.byteSize()) {
			throw new PickleException("the pickle ends at byte " + in.byteSize() + ", in the middle of a value (truncated?)");
		}
	}
}
