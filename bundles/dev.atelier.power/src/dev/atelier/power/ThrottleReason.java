package dev.atelier.power;

import java.util.ArrayList;
import java.util.List;

/** NVML's clock event reasons (nvmlClocksEventReasons), bit by bit. */
public enum ThrottleReason {
	GPU_IDLE(0x1L), APPLICATIONS_CLOCKS_SETTING(0x2L), SW_POWER_CAP(0x4L), HW_SLOWDOWN(0x8L), SYNC_BOOST(0x10L), SW_THERMAL_SLOWDOWN(0x20L),
	HW_THERMAL_SLOWDOWN(0x40L), HW_POWER_BRAKE_SLOWDOWN(0x80L), DISPLAY_CLOCK_SETTING(0x100L);

	private final long bit;

	ThrottleReason(long bit) {
		this.bit = bit;
	}

	public long bit() {
		return bit;
	}

	/** The reasons set in a mask; bits NVML may add later are ignored. */
	public static List<ThrottleReason> decode(long mask) {
		List<ThrottleReason> reasons = new ArrayList<>();
		for (ThrottleReason r : values()) {
			if ((mask & r.bit) != 0) {
				reasons.add(r);
			}
		}
		return reasons;
	}

	/** True for the reasons that mean the GPU runs slower than it could because of power or heat. */
	public boolean limitsPerformance() {
		return this == SW_POWER_CAP || this == HW_SLOWDOWN || this == SW_THERMAL_SLOWDOWN || this == HW_THERMAL_SLOWDOWN
				|| this == HW_POWER_BRAKE_SLOWDOWN;
	}
}
