package dev.atelier.diffusion.checkpoint.internal.format;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.DType;
import dev.atelier.diffusion.checkpoint.StoredTensor;
import dev.atelier.diffusion.checkpoint.internal.format.RestrictedUnpickler.PickleException;
import dev.atelier.diffusion.checkpoint.internal.format.RestrictedUnpickler.StorageRef;
import dev.atelier.diffusion.checkpoint.internal.format.RestrictedUnpickler.TensorRef;

/**
 * A PyTorch {@code .ckpt}/{@code .pt} file read through {@link RestrictedUnpickler}: the zip form torch.save writes
 * since 1.6 ({@code NAME/data.pkl} and one entry per storage, {@code NAME/data/KEY}) and the legacy form (five pickles
 * in a row, then each storage as an element count and its bytes). The state dict is the top-level dict or its
 * {@code state_dict}; every tensor's extent is checked against its storage when the file is opened.
 */
public final class PickleCheckpoint implements TensorFile {

	private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

	private final Path file;
	private final Map<String, StoredTensor> tensors;
	private final AutoCloseable resource;

	private PickleCheckpoint(Path file, Map<String, StoredTensor> tensors, AutoCloseable resource) {
		this.file = file;
		this.tensors = Collections.unmodifiableMap(tensors);
		this.resource = resource;
	}

	public static PickleCheckpoint open(Path file) throws IOException {
		byte[] head = new byte[4];
		try (InputStream in = Files.newInputStream(file)) {
			in.readNBytes(head, 0, 4);
		}
		if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
			return openZip(file);
		}
		if ((head[0] & 0xff) == 0x80) {
			return openLegacy(file);
		}
		throw new CheckpointException(file, "not a PyTorch checkpoint (neither a zip archive nor a pickle)");
	}

	private static PickleCheckpoint openZip(Path file) throws IOException {
		ZipFile zip;
		try {
			zip = new ZipFile(file.toFile());
		} catch (IOException e) { // ZipException, or EOFException for a central directory cut short
			throw new CheckpointException(file, "damaged zip archive: " + problem(e), e);
		}
		try {
			List<? extends ZipEntry> pickles = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - 9)
					.toList();
			if (pickles.size() != 1) {
				throw new CheckpointException(file, pickles.isEmpty() ? "no data.pkl in the archive (not a torch.save file)" : "more than one data.pkl in the archive");
			}
			String prefix = pickles.get(0).getName().substring(0, pickles.get(0).getName().length() - "data.pkl".length());
			ZipEntry order = zip.getEntry(prefix + "byteorder");
			if (order != null) {
				String byteOrder = new String(zip.getInputStream(order).readNBytes(16), StandardCharsets.US_ASCII).strip();
				if (!byteOrder.equals("little")) {
					throw new CheckpointException(file, "storages are " + byteOrder + "-endian; only little-endian files are read");
				}
			}
			byte[] pkl = zip.getInputStream(pickles.get(0)).readAllBytes();
			Object root = unpickle(file, new RestrictedUnpickler(MemorySegment.ofArray(pkl), 0));
			Map<String, TensorRef> refs = stateDict(file, root);
			Map<String, StoredTensor> tensors = new LinkedHashMap<>();
			for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
				TensorRef t = e.getValue();
				ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage().key());
				if (entry == null) {
					throw new CheckpointException(file, "tensor " + e.getKey() + ": storage " + t.storage().key() + " is missing from the archive");
				}
				DType type = dtype(t.storage());
				long storageBytes = t.storage().elements() * type.bytes();
				if (entry.getSize() >= 0 && entry.getSize() < storageBytes) {
					throw new CheckpointException(file, "tensor " + e.getKey() + ": storage " + t.storage().key() + " holds " + entry.getSize() + " bytes, "
							+ storageBytes + " expected (truncated?)");
				}
				tensors.put(e.getKey(), new Zipped(file, e.getKey(), type, check(file, e.getKey(), t), zip, entry, t.offset() * type.bytes()));
			}
			return new PickleCheckpoint(file, tensors, zip);
		} catch (CheckpointException | RuntimeException e) {
			zip.close();
			throw e;
		} catch (IOException e) { // an entry's bytes or their compression are damaged
			zip.close();
			throw new CheckpointException(file, "damaged zip archive: " + problem(e), e);
		}
	}

	/** What went wrong reading: the exception's message, or what its kind says where it has none. */
	private static String problem(IOException e) {
		return e.getMessage() != null ? e.getMessage() : e instanceof java.io.EOFException ? "it ends early (truncated?)" : e.getClass().getSimpleName();
	}

	private static PickleCheckpoint openLegacy(Path file) throws IOException {
		Arena arena = Arena.ofShared();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			MemorySegment all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
			RestrictedUnpickler pickles = new RestrictedUnpickler(all, 0);
			if (!(unpickle(file, pickles) instanceof BigInteger magic) || !magic.equals(LEGACY_MAGIC)) {
				throw new CheckpointException(file, "not a torch.save file (the legacy format's magic number is missing)");
			}
			unpickle(file, pickles); // protocol version
			if (unpickle(file, pickles) instanceof Map<?, ?> sysInfo && Boolean.FALSE.equals(sysInfo.get("little_endian"))) {
				throw new CheckpointException(file, "storages are big-endian; only little-endian files are read");
			}
			Map<String, TensorRef> refs = stateDict(file, unpickle(file, pickles));
			if (!(unpickle(file, pickles) instanceof List<?> keys)) {
				throw new CheckpointException(file, "the legacy format's list of storage keys is missing");
			}
			Map<String, Long> starts = new HashMap<>();
			long at = pickles.position();
			Map<String, StorageRef> byKey = new HashMap<>();
			refs.values().forEach(t -> byKey.put(t.storage().key(), t.storage()));
			for (Object key : keys) {
				if (at + 8 > all.byteSize()) {
					throw new CheckpointException(file, "truncated: storage " + key + " is missing");
				}
				long elements = all.get(LONG, at);
				StorageRef s = byKey.get(String.valueOf(key));
				if (s == null) {
					break; // storages no tensor uses would need their types; nothing after them is needed
				}
				long width = dtype(s).bytes();
				if (elements != s.elements() || elements < 0 || elements > (all.byteSize() - at - 8) / width) {
					throw new CheckpointException(file, "truncated or damaged: storage " + key + " of " + s.elements() + " elements");
				}
				long bytes = elements * width;
				starts.put(s.key(), at + 8);
				at += 8 + bytes;
			}
			Map<String, StoredTensor> tensors = new LinkedHashMap<>();
			for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
				TensorRef t = e.getValue();
				Long start = starts.get(t.storage().key());
				if (start == null) {
					throw new CheckpointException(file, "tensor " + e.getKey() + ": storage " + t.storage().key() + " is missing");
				}
				DType type = dtype(t.storage());
				long[] shape = check(file, e.getKey(), t);
				tensors.put(e.getKey(), new Mapped(file, e.getKey(), type, shape, all.asSlice(start + t.offset() * type.bytes(), elements(shape) * type.bytes())));
			}
			return new PickleCheckpoint(file, tensors, arena::close);
		} catch (IOException | RuntimeException e) {
			arena.close();
			throw e;
		}
	}

	private static Object unpickle(Path file, RestrictedUnpickler pickles) throws CheckpointException {
		try {
			return pickles.load();
		} catch (PickleException e) {
			throw new CheckpointException(file, e.getMessage());
		}
	}

	/** The tensors of the state dict (Lightning's {@code state_dict} entry, or the whole dict); other values are dropped. */
	private static Map<String, TensorRef> stateDict(Path file, Object root) throws CheckpointException {
		Object dict = root instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> sd ? sd : root;
		if (!(dict instanceof Map<?, ?> map)) {
			throw new CheckpointException(file, "holds no state dict (the pickle is a " + (root == null ? "None" : root.getClass().getSimpleName()) + ")");
		}
		Map<String, TensorRef> out = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			if (k instanceof String key && v instanceof TensorRef t) {
				out.put(key, t);
			}
		});
		return out;
	}

	private static DType dtype(StorageRef s) {
		return switch (s.type().name()) {
		case "FloatStorage" -> DType.F32;
		case "HalfStorage" -> DType.F16;
		case "BFloat16Storage" -> DType.BF16;
		case "DoubleStorage" -> DType.F64;
		case "LongStorage" -> DType.I64;
		case "IntStorage" -> DType.I32;
		case "ShortStorage" -> DType.I16;
		case "CharStorage" -> DType.I8;
		case "BoolStorage" -> DType.BOOL;
		default -> DType.U8;
		};
	}

	/** The tensor's shape, once it is known to be contiguous and inside its storage. */
	private static long[] check(Path file, String name, TensorRef t) throws CheckpointException {
		long[] size = t.size();
		if (size.length != t.stride().length) {
			throw new CheckpointException(file, "tensor " + name + ": " + size.length + " sizes but " + t.stride().length + " strides");
		}
		// the pickle's numbers are the file's to choose: products past a long would wrap round to addresses outside it
		long storage = t.storage().elements();
		if (storage > Long.MAX_VALUE / 8) {
			throw new CheckpointException(file, "tensor " + name + ": a storage of " + storage + " elements is more than a file can hold");
		}
		long expect = 1;
		for (int i = size.length - 1; i >= 0; i--) {
			if (size[i] > 1 && t.stride()[i] != expect) {
				throw new CheckpointException(file, "tensor " + name + " is stored non-contiguous (strides " + StoredTensor.shapeText(t.stride())
						+ " for shape " + StoredTensor.shapeText(size) + "); save it contiguous or as safetensors");
			}
			expect = size[i] == 0 || expect <= storage / size[i] ? expect * size[i] : storage + 1; // past the storage either way
		}
		if (expect > storage - t.offset()) {
			throw new CheckpointException(file, "tensor " + name + " reaches element " + (t.offset() + expect) + " of a storage of " + t.storage().elements());
		}
		return size;
	}

	private static long elements(long[] shape) {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		return n;
	}

	private record Mapped(Path file, String key, DType dtype, long[] shape, MemorySegment bytes) implements StoredTensor {
		@Override
		public long[] shape() {
			return shape.clone();
		}

		@Override
		public MemorySegment data() {
			return bytes;
		}
	}

	/** A tensor in a zip entry (stored or deflated alike), read when its data is asked for. */
	private record Zipped(Path file, String key, DType dtype, long[] shape, ZipFile zip, ZipEntry entry, long offset) implements StoredTensor {
		@Override
		public long[] shape() {
			return shape.clone();
		}

		@Override
		public MemorySegment data() throws CheckpointException {
			long length = elements() * dtype.bytes();
			if (length > Integer.MAX_VALUE - 8) {
				throw new CheckpointException(file, "tensor " + key + " is " + length + " bytes, too large for a .ckpt read; convert it to safetensors");
			}
			try (InputStream in = zip.getInputStream(entry)) {
				in.skipNBytes(offset);
				byte[] b = in.readNBytes((int) length);
				if (b.length != length) {
					throw new CheckpointException(file, "tensor " + key + ": its storage ends early (truncated?)");
				}
				return MemorySegment.ofArray(b);
			} catch (IOException e) {
				throw new CheckpointException(file, "tensor " + key + ": " + problem(e), e);
			}
		}
	}

	@Override
	public Path file() {
		return file;
	}

	@Override
	public Map<String, StoredTensor> tensors() {
		return tensors;
	}

	@Override
	public void close() {
		try {
			resource.close();
		} catch (Exception e) {
			// closing a read-only zip or mapping has nothing to lose
		}
	}
}
