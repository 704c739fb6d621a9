package dev.atelier.bench;

/** Times of the timed runs of a benchmark, in milliseconds. */
public record Timing(double minMs, double medianMs, double maxMs, int runs) {
}
