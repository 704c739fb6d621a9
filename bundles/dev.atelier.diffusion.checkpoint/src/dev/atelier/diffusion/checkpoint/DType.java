package dev.atelier.diffusion.checkpoint;

import java.util.Optional;

/** Element types as safetensors names them; weights must be F32, F16 or BF16, the others occur in buffers only. */
public enum DType {
	F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

	private final int bytes;

	DType(int bytes) {
		this.bytes = bytes;
	}

	public int bytes() {
		return bytes;
	}

	public boolean isWeightType() {
		return this == F32 || this == F16 || this == BF16;
	}

	/** The type of a safetensors header's {@code dtype} string. */
	public static Optional<DType> ofSafetensors(String name) {
		for (DType t : values()) {
			if (t.name().equals(name)) {
				return Optional.of(t);
			}
		}
		return Optional.empty();
	}
}
