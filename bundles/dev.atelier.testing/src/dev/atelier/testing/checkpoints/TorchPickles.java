package dev.atelier.testing.checkpoints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes state dicts as {@code torch.save} does, opcode by opcode: the zip form (NAME/data.pkl, NAME/data/KEY,
 * NAME/byteorder) and the legacy form (magic number, protocol, system info, the pickle, its storage keys, then each
 * storage as a little-endian element count and its bytes). Each tensor has its own storage; the pickle is
 * {@code {"state_dict": OrderedDict(name → tensor)}}, as Lightning's checkpoints are.
 */
public final class TorchPickles {

	/** One tensor: its storage class name (FloatStorage, HalfStorage, BFloat16Storage), shape and little-endian bytes. */
	public record Tensor(String storage, long[] shape, byte[] data) {
	}

	private TorchPickles() {
	}

	public static Path writeZip(Path file, Map<String, Tensor> tensors) throws IOException {
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
			entry(zip, "archive/data.pkl", pickle(tensors, false));
			entry(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
			int key = 0;
			for (Tensor t : tensors.values()) {
				entry(zip, "archive/data/" + key++, t.data());
			}
			entry(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
		}
		return file;
	}

	public static Path writeLegacy(Path file, Map<String, Tensor> tensors) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			Op magic = new Op();
			magic.proto();
			magic.raw(0x8a, 10).raw(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop();
			out.write(magic.bytes());
			Op protocol = new Op();
			protocol.proto();
			protocol.raw('M', 0xe9, 0x03).stop(); // 1001
			out.write(protocol.bytes());
			Op info = new Op();
			info.proto();
			info.raw('}').str("little_endian").raw(0x88, 's').stop();
			out.write(info.bytes());
			out.write(pickle(tensors, true));
			Op keys = new Op();
			keys.proto();
			keys.raw(']', '(');
			for (int i = 0; i < tensors.size(); i++) {
				keys.str(String.valueOf(i));
			}
			keys.raw('e').stop();
			out.write(keys.bytes());
			for (Tensor t : tensors.values()) {
				out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(t.data().length / width(t.storage())).array());
				out.write(t.data());
			}
		}
		return file;
	}

	/** A file holding exactly these pickle bytes, e.g. a hostile pickle for the unpickler to refuse. */
	public static Path writeZipWithPickle(Path file, byte[] pickle) throws IOException {
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
			entry(zip, "archive/data.pkl", pickle);
		}
		return file;
	}

	private static byte[] pickle(Map<String, Tensor> tensors, boolean legacy) {
		Op p = new Op();
		p.proto();
		p.raw('}').str("state_dict");
		p.global("collections", "OrderedDict").raw(')', 'R', '(');
		int key = 0;
		for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
			Tensor t = e.getValue();
			long elements = t.data().length / width(t.storage());
			p.str(e.getKey());
			p.global("torch._utils", "_rebuild_tensor_v2").raw('(');
			p.raw('(').str("storage").global("torch", t.storage()).str(String.valueOf(key++)).str("cpu").integer(elements);
			if (legacy) {
				p.raw('N');
			}
			p.raw('t', 'Q');
			p.integer(0);
			p.raw('(');
			for (long d : t.shape()) {
				p.integer(d);
			}
			p.raw('t', '(');
			long stride = 1;
			List<Long> strides = new ArrayList<>();
			for (int i = t.shape().length - 1; i >= 0; i--) {
				strides.add(0, stride);
				stride *= t.shape()[i];
			}
			strides.forEach(p::integer);
			p.raw('t', 0x89);
			p.global("collections", "OrderedDict").raw(')', 'R', 't', 'R');
		}
		p.raw('u', 's').stop();
		return p.bytes();
	}

	private static int width(String storage) {
		return switch (storage) {
		case "FloatStorage" -> 4;
		case "HalfStorage", "BFloat16Storage" -> 2;
		default -> throw new IllegalArgumentException(storage);
		};
	}

	private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(data);
		zip.closeEntry();
	}

	/** Protocol-2 opcodes as bytes. */
	private static final class Op {
		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		Op raw(int... bytes) {
			for (int b : bytes) {
				out.write(b);
			}
			return this;
		}

		Op proto() {
			return raw(0x80, 2);
		}

		Op str(String s) {
			byte[] b = s.getBytes(StandardCharsets.UTF_8);
			raw('X');
			out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
			out.writeBytes(b);
			return this;
		}

		Op global(String module, String name) {
			raw('c');
			out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
			return this;
		}

		Op integer(long v) {
			raw('J');
			out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.toIntExact(v)).array());
			return this;
		}

		Op stop() {
			return raw('.');
		}

		byte[] bytes() {
			return out.toByteArray();
		}
	}
}
