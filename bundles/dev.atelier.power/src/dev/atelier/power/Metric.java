package dev.atelier.power;

/**
 * What a telemetry source measures, named as nvidia-smi's {@code --query-gpu} fields where it has one, with the
 * unit the value is kept in.
 */
public enum Metric {
	POWER_DRAW("power.draw", "W"),
	POWER_LIMIT("power.limit", "W"),
	ENFORCED_POWER_LIMIT("enforced.power.limit", "W"),
	/** Energy since the driver loaded (NVML's total energy counter), where the GPU has one. */
	TOTAL_ENERGY("total_energy_consumption", "J"),
	TEMPERATURE_GPU("temperature.gpu", "C"),
	TEMPERATURE_MEMORY("temperature.memory", "C"),
	FAN_SPEED("fan.speed", "%"),
	CLOCKS_GR("clocks.gr", "MHz"),
	CLOCKS_SM("clocks.sm", "MHz"),
	CLOCKS_MEM("clocks.mem", "MHz"),
	CLOCKS_MAX_GR("clocks.max.gr", "MHz"),
	CLOCKS_MAX_SM("clocks.max.sm", "MHz"),
	CLOCKS_MAX_MEM("clocks.max.mem", "MHz"),
	UTILIZATION_GPU("utilization.gpu", "%"),
	UTILIZATION_MEMORY("utilization.memory", "%"),
	MEMORY_USED("memory.used", "MiB"),
	MEMORY_TOTAL("memory.total", "MiB"),
	PSTATE("pstate", ""),
	/** Bit mask of active clock event (throttle) reasons; {@link ThrottleReason} names the bits. */
	CLOCKS_EVENT_REASONS("clocks_event_reasons.active", ""),
	PCIE_LINK_GEN("pcie.link.gen.current", ""),
	PCIE_LINK_WIDTH("pcie.link.width.current", ""),
	/** PCIe traffic (nvidia-smi dmon's txpci/rxpci), averaged by the driver over 20 ms and read about once a second. */
	PCIE_TX_THROUGHPUT("pcie.throughput.tx", "MB/s"),
	PCIE_RX_THROUGHPUT("pcie.throughput.rx", "MB/s");

	private final String field;
	private final String unit;

	Metric(String field, String unit) {
		this.field = field;
		this.unit = unit;
	}

	/** The nvidia-smi query field name, used as the CSV column and JSON key. */
	public String field() {
		return field;
	}

	public String unit() {
		return unit;
	}
}
