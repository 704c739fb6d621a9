package dev.atelier.device;

/** A CUDA compute capability such as 8.9 (Ada) or 9.0 (Hopper). */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {

	public ComputeCapability {
		if (major < 1 || minor < 0 || minor > 9) {
			throw new IllegalArgumentException("not a compute capability: " + major + "." + minor);
		}
	}

	/** Parses {@code "8.9"}. */
	public static ComputeCapability parse(String text) {
		String[] parts = text.strip().split("\\.");
		try {
			if (parts.length == 2) {
				return new ComputeCapability(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("not a compute capability (expected e.g. 8.9): '" + text + "'");
	}

	public boolean atLeast(int major, int minor) {
		return compareTo(new ComputeCapability(major, minor)) >= 0;
	}

	@Override
	public int compareTo(ComputeCapability other) {
		return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
	}

	@Override
	public String toString() {
		return major + "." + minor;
	}
}
