package dev.atelier.diffusion.internal.scheduler;

/**
 * The training noise schedule of a config and the NumPy rules diffusers derives inference schedules with, written so
 * that rounding ties (x.5 timesteps) fall the way NumPy's do.
 */
final class Schedules {

	private Schedules() {
	}

	static double[] alphasCumprod(SchedulerConfig c) {
		int n = c.numTrainTimesteps();
		double[] betas = switch (c.betaSchedule()) {
		case "linear" -> linspace(c.betaStart(), c.betaEnd(), n);
		case "scaled_linear" -> {
			double[] b = linspace(Math.sqrt(c.betaStart()), Math.sqrt(c.betaEnd()), n);
			for (int i = 0; i < n; i++) {
				b[i] *= b[i];
			}
			yield b;
		}
		default -> cosineBetas(n);
		};
		double[] ac = new double[n];
		double product = 1;
		for (int i = 0; i < n; i++) {
			product *= 1 - betas[i];
			ac[i] = product;
		}
		return ac;
	}

	/** betas_for_alpha_bar with the cosine alpha bar of Nichol and Dhariwal, each beta capped at 0.999. */
	private static double[] cosineBetas(int n) {
		double[] betas = new double[n];
		for (int i = 0; i < n; i++) {
			betas[i] = Math.min(1 - cosineAlphaBar((i + 1) / (double) n) / cosineAlphaBar(i / (double) n), 0.999);
		}
		return betas;
	}

	private static double cosineAlphaBar(double t) {
		double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
		return c * c;
	}

	/** sqrt((1 - ac) / ac) for each training timestep: the noise level when samples are x0 + sigma * noise. */
	static double[] sigmas(double[] alphasCumprod) {
		double[] s = new double[alphasCumprod.length];
		for (int i = 0; i < s.length; i++) {
			s[i] = Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
		}
		return s;
	}

	/** numpy.linspace: start + i * step, the last exactly stop. */
	static double[] linspace(double start, double stop, int num) {
		if (num == 1) {
			return new double[] { start };
		}
		double[] y = new double[num];
		double step = (stop - start) / (num - 1);
		for (int i = 0; i < num - 1; i++) {
			y[i] = i * step + start;
		}
		y[num - 1] = stop;
		return y;
	}

	/** numpy.interp(x, arange(len(table)), table): linear between neighbours, the ends' values beyond them. */
	static double interp(double x, double[] table) {
		int last = table.length - 1;
		if (x <= 0) {
			return table[0];
		}
		if (x >= last) {
			return table[last];
		}
		int j = (int) x;
		return x == j ? table[j] : (table[j + 1] - table[j]) * (x - j) + table[j];
	}

	/**
	 * The inference timesteps, largest first, for a spacing. {@code dpm} selects DPMSolverMultistepScheduler's variants
	 * of linspace and leading, which space steps + 1 points and drop the last; {@code round} rounds linspace's values
	 * (the schedulers with integer timesteps).
	 */
	static double[] timesteps(SchedulerConfig c, int steps, String spacing, boolean dpm, boolean round) {
		int n = c.numTrainTimesteps();
		double[] t = new double[steps];
		switch (spacing) {
		case "linspace" -> {
			double[] points = linspace(0, n - 1, dpm ? steps + 1 : steps);
			for (int i = 0; i < steps; i++) {
				double v = points[points.length - 1 - i];
				t[i] = round ? Math.rint(v) : v;
			}
		}
		case "leading" -> {
			int ratio = n / (dpm ? steps + 1 : steps);
			for (int i = 0; i < steps; i++) {
				t[i] = (double) (dpm ? steps - i : steps - 1 - i) * ratio + c.stepsOffset();
			}
		}
		default -> {
			// numpy.arange(n, 0, -n / steps): n + i * delta with NumPy's delta; it yields an extra value near 0 for some
			// step counts (61 of 1000), which diffusers would run as timestep -1: only the first steps values are taken
			double delta = (n - n / (double) steps) - n;
			for (int i = 0; i < steps; i++) {
				t[i] = Math.rint(n + i * delta) - 1;
			}
		}
		}
		return t;
	}

	/** diffusers' _sigma_to_t: the fractional timestep of a noise level, interpolating log sigma between table entries. */
	static double sigmaToT(double sigma, double[] logSigmas) {
		double logSigma = Math.log(Math.max(sigma, 1e-10));
		int low = 0;
		for (int i = 0; i < logSigmas.length; i++) {
			if (logSigmas[i] <= logSigma) {
				low = i;
			}
		}
		low = Math.min(low, logSigmas.length - 2);
		double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]);
		w = Math.min(Math.max(w, 0), 1);
		return (1 - w) * low + w * (low + 1);
	}

	/** Karras et al.'s schedule (rho 7) from sigmaMax down to sigmaMin. */
	static double[] karras(double sigmaMin, double sigmaMax, int steps) {
		double[] ramp = linspace(0, 1, steps);
		double minInv = Math.pow(sigmaMin, 1 / 7.0);
		double maxInv = Math.pow(sigmaMax, 1 / 7.0);
		double[] s = new double[steps];
		for (int i = 0; i < steps; i++) {
			s[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), 7);
		}
		return s;
	}
}
