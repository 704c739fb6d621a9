package dev.atelier.diffusion.exec;

/**
 * Tensor element types. Tensors in Java are float32, int32 or int64; a graph declaring float16 is fed and read in
 * float32 and converted by the executor. OTHER stands for any type the pipelines never exchange.
 */
public enum ElementType {
	FLOAT32("float32"), FLOAT16("float16"), INT32("int32"), INT64("int64"), OTHER("other");

	private final String onnxName;

	ElementType(String onnxName) {
		this.onnxName = onnxName;
	}

	@Override
	public String toString() {
		return onnxName;
	}
}
