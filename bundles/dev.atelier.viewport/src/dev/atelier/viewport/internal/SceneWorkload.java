package dev.atelier.viewport.internal;

import java.util.List;
import java.util.Locale;

import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;

/**
 * A scene for the viewport or the path tracer.
 *
 * <p>bytes = triangles × 100 (48 bytes of vertex data and indices, ~52 of BVH) + textures × 4/3 (mip chain)
 * × (block-compressed ? 1/4 : 1) + 200 MB of 4K frame buffers (RGBA32F accumulation, colour, depth).
 */
public record SceneWorkload(long triangles, long textureBytes, boolean compressedTextures) implements Workload {

	private static final double BYTES_PER_TRIANGLE = 100;
	private static final double FRAME_BUFFERS = 200e6;

	public SceneWorkload {
		if (triangles < 0 || textureBytes < 0) {
			throw new IllegalArgumentException("a scene needs non-negative triangles and texture bytes");
		}
	}

	@Override
	public String spec() {
		return "scene:tris=" + triangles + ":tex=" + textureBytes + (compressedTextures ? ":bc7" : "");
	}

	private double textures() {
		return textureBytes * 4.0 / 3.0 * (compressedTextures ? 0.25 : 1);
	}

	@Override
	public long bytes() {
		return Math.round(triangles * BYTES_PER_TRIANGLE + textures() + FRAME_BUFFERS);
	}

	@Override
	public String breakdown() {
		return String.format(Locale.ROOT, "geometry and BVH %s (%d triangles), textures %s%s, frame buffers %s",
				Workloads.gib(triangles * BYTES_PER_TRIANGLE), triangles, Workloads.gib(textures()), compressedTextures ? " (BC7)" : "", Workloads.gib(FRAME_BUFFERS));
	}

	@Override
	public List<Workload> cheaper() {
		return compressedTextures ? List.of() : List.of(new SceneWorkload(triangles, textureBytes, true));
	}
}
