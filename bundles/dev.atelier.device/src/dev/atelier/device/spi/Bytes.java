package dev.atelier.device.spi;

import java.util.Locale;

/** Human-readable byte counts in binary units, as the device service's and its backends' messages and tables show them. */
public final class Bytes {

	private Bytes() {
	}

	public static String format(long bytes) {
		double b = Math.abs((double) bytes);
		String sign = bytes < 0 ? "-" : "";
		if (b >= 1L << 30) {
			return sign + String.format(Locale.ROOT, "%.1f GiB", b / (1L << 30));
		}
		if (b >= 1L << 20) {
			return sign + String.format(Locale.ROOT, "%.1f MiB", b / (1L << 20));
		}
		if (b >= 1L << 10) {
			return sign + String.format(Locale.ROOT, "%.1f KiB", b / (1L << 10));
		}
		return bytes + " B";
	}
}
