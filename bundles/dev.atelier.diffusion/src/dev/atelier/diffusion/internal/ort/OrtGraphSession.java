package dev.atelier.diffusion.internal.ort;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.atelier.diffusion.exec.ElementType;
import dev.atelier.diffusion.exec.GraphSession;
import dev.atelier.diffusion.exec.Tensor;
import dev.atelier.diffusion.exec.TensorSpec;

final class OrtGraphSession implements GraphSession {

	private final Path file;
	private final OrtSession session;
	private final List<TensorSpec> inputs;
	private final List<TensorSpec> outputs;
	private long engineNanos;

	OrtGraphSession(Path file, OrtSession session) throws OrtException {
		this.file = file;
		this.session = session;
		this.inputs = specs(session.getInputInfo());
		this.outputs = specs(session.getOutputInfo());
	}

	private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
		List<TensorSpec> specs = new ArrayList<>();
		infos.forEach((name, node) -> {
			if (node.getInfo() instanceof TensorInfo t) {
				specs.add(new TensorSpec(name, switch (t.type) {
				case FLOAT -> ElementType.FLOAT32;
				case FLOAT16 -> ElementType.FLOAT16;
				case INT32 -> ElementType.INT32;
				case INT64 -> ElementType.INT64;
				default -> ElementType.OTHER;
				}, t.getShape()));
			}
		});
		return List.copyOf(specs);
	}

	@Override
	public Path file() {
		return file;
	}

	@Override
	public List<TensorSpec> inputs() {
		return inputs;
	}

	@Override
	public List<TensorSpec> outputs() {
		return outputs;
	}

	@Override
	public Map<String, Tensor> run(Map<String, Tensor> in, Set<String> wanted) throws IOException {
		OrtEnvironment env = OrtEnvironment.getEnvironment();
		Map<String, OnnxTensor> feeds = new HashMap<>();
		try {
			for (Map.Entry<String, Tensor> e : in.entrySet()) {
				boolean half = input(e.getKey()).map(t -> t.type() == ElementType.FLOAT16).orElse(false);
				feeds.put(e.getKey(), half ? toHalf(env, e.getValue()) : toOrt(env, e.getValue()));
			}
			long start = System.nanoTime();
			try (OrtSession.Result result = session.run(feeds, wanted)) {
				engineNanos += System.nanoTime() - start;
				Map<String, Tensor> out = new LinkedHashMap<>();
				for (String name : wanted) {
					OnnxValue value = result.get(name).orElseThrow(() -> new IOException(file + ": the graph gave no output '" + name + "'"));
					out.put(name, fromOrt(name, (OnnxTensor) value));
				}
				return out;
			}
		} catch (OrtException e) {
			throw new IOException(file + ": " + e.getMessage(), e);
		} finally {
			feeds.values().forEach(OnnxTensor::close);
		}
	}

	private static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
		return switch (t.type()) {
		case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape());
		case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints()), t.shape());
		case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape());
		default -> throw new IllegalArgumentException("a Java tensor is never " + t.type());
		};
	}

	private static OnnxTensor toHalf(OrtEnvironment env, Tensor t) throws OrtException {
		float[] f = t.floats();
		ShortBuffer half = ShortBuffer.allocate(f.length);
		for (float v : f) {
			half.put(Float.floatToFloat16(v));
		}
		return OnnxTensor.createTensor(env, half.flip(), t.shape(), OnnxJavaType.FLOAT16);
	}

	private Tensor fromOrt(String name, OnnxTensor value) throws IOException {
		long[] shape = value.getInfo().getShape();
		return switch (value.getInfo().type) {
		case FLOAT -> {
			FloatBuffer b = value.getFloatBuffer();
			float[] data = new float[b.remaining()];
			b.get(data);
			yield Tensor.of(data, shape);
		}
		case FLOAT16 -> {
			ShortBuffer b = value.getShortBuffer();
			float[] data = new float[b.remaining()];
			for (int i = 0; i < data.length; i++) {
				data[i] = Float.float16ToFloat(b.get());
			}
			yield Tensor.of(data, shape);
		}
		case INT64 -> {
			LongBuffer b = value.getLongBuffer();
			long[] data = new long[b.remaining()];
			b.get(data);
			yield Tensor.ofLongs(data, shape);
		}
		case INT32 -> {
			IntBuffer b = value.getIntBuffer();
			int[] data = new int[b.remaining()];
			b.get(data);
			yield Tensor.ofInts(data, shape);
		}
		default -> throw new IOException(file + ": output '" + name + "' is of type " + value.getInfo().type + ", not float32, int32 or int64");
		};
	}

	@Override
	public Duration engineTime() {
		return Duration.ofNanos(engineNanos);
	}

	@Override
	public void close() {
		try {
			session.close();
		} catch (OrtException e) {
			System.getLogger(OrtGraphSession.class.getName()).log(System.Logger.Level.WARNING, file + ": closing the session failed: " + e.getMessage());
		}
	}
}
