package dev.atelier.diffusion.engine;

import java.util.List;

/**
 * What a ControlNet adds to one UNet call, already scaled by its strength: one residual per skip connection, in the
 * order the UNet's encoder makes them (conv_in's first), each {@code [channels][height][width]}, and the middle block's.
 */
public record ControlResiduals(List<float[]> down, float[] mid) {

	public ControlResiduals {
		down = List.copyOf(down);
	}
}
