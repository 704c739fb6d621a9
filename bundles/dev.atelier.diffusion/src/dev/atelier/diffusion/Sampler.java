package dev.atelier.diffusion;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The samplers users pick: {@link #cliName()} is the command line's spelling, {@link #displayName()} AUTOMATIC1111's, as PNG metadata records it. */
public enum Sampler {
	EULER_A("euler_a", "Euler a"),
	EULER("euler", "Euler"),
	DDIM("ddim", "DDIM"),
	DPMPP_2M("dpmpp_2m", "DPM++ 2M"),
	DPMPP_2M_KARRAS("dpmpp_2m_karras", "DPM++ 2M Karras"),
	LMS("lms", "LMS");

	private final String cliName;
	private final String displayName;

	Sampler(String cliName, String displayName) {
		this.cliName = cliName;
		this.displayName = displayName;
	}

	public String cliName() {
		return cliName;
	}

	public String displayName() {
		return displayName;
	}

	/** The sampler with this CLI or display name, in any case. */
	public static Sampler parse(String name) {
		for (Sampler s : values()) {
			if (s.cliName.equalsIgnoreCase(name) || s.displayName.equalsIgnoreCase(name)) {
				return s;
			}
		}
		throw new IllegalArgumentException("unknown sampler '" + name + "': use one of "
				+ Arrays.stream(values()).map(Sampler::cliName).collect(Collectors.joining(", ")));
	}
}
