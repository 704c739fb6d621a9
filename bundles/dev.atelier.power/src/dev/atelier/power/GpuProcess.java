package dev.atelier.power;

/** A process using a GPU; {@code usedBytes} is −1 where the driver does not tell (e.g. without permission). */
public record GpuProcess(long pid, String name, long usedBytes) {
}
