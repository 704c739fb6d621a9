package dev.atelier.power;

import java.util.ArrayList;
import java.util.List;

/** A fixed-size history of one device's samples, oldest overwritten first. Thread-safe. */
public final class SampleRing {

	private final Sample[] slots;
	private int next;
	private int size;

	public SampleRing(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("a ring needs room for at least one sample, not " + capacity);
		}
		slots = new Sample[capacity];
	}

	public synchronized void add(Sample sample) {
		slots[next] = sample;
		next = (next + 1) % slots.length;
		size = Math.min(size + 1, slots.length);
	}

	public synchronized int size() {
		return size;
	}

	/** The newest sample, or null. */
	public synchronized Sample last() {
		return size == 0 ? null : slots[(next - 1 + slots.length) % slots.length];
	}

	/** Samples with from ≤ time ≤ to, oldest first. */
	public synchronized List<Sample> between(long fromMillis, long toMillis) {
		List<Sample> out = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Sample s = slots[(next - size + i + slots.length) % slots.length];
			if (s.epochMillis() >= fromMillis && s.epochMillis() <= toMillis) {
				out.add(s);
			}
		}
		return out;
	}
}
