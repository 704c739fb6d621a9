package dev.atelier.device;

/** Whose turn comes first when VRAM is short. Interactive work (what the user waits for) goes first. */
public enum Priority {
	INTERACTIVE, NORMAL, BACKGROUND;

	/** True when this priority may take memory from a lease of {@code other} priority by eviction. */
	public boolean mayEvict(Priority other) {
		return compareTo(other) <= 0;
	}
}
