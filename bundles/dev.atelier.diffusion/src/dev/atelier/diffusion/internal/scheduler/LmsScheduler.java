package dev.atelier.diffusion.internal.scheduler;

/**
 * LMSDiscreteScheduler, order 4: the next sample is the sample plus the integral over sigma of the polynomial through
 * the last derivatives. The Lagrange basis polynomials are integrated exactly, not by quadrature as diffusers does.
 * The order grows with the derivatives this run has (as in k-diffusion), so an img2img run starting mid-schedule
 * begins at first order as a txt2img run does.
 */
final class LmsScheduler extends SigmaScheduler {

	private static final int ORDER = 4;

	/** The last derivatives, newest first. */
	private final float[][] derivatives = new float[ORDER][];
	private int count;
	private int lastStep = -1;

	LmsScheduler(SchedulerConfig config, int steps) {
		super(config, steps);
	}

	@Override
	public void step(float[] modelOutput, int step, float[] sample, NoiseSource noise) {
		checkStep(step, modelOutput, sample);
		if (lastStep >= 0 && step != lastStep + 1) {
			throw new IllegalStateException("LMS steps must follow each other: " + (lastStep + 1) + " is next, not " + step);
		}
		float[] d = derivatives[ORDER - 1];
		System.arraycopy(derivatives, 0, derivatives, 1, ORDER - 1);
		if (d == null || d.length != sample.length) {
			d = new float[sample.length];
		}
		derivatives[0] = d;
		Derivative k = derivative(step);
		combine(k.sample(), sample, k.model(), modelOutput, d);
		count = Math.min(count + 1, ORDER);
		lastStep = step;
		double[] c = coefficients(step, count);
		for (int i = 0; i < sample.length; i++) {
			double x = sample[i];
			for (int j = 0; j < count; j++) {
				x += c[j] * derivatives[j][i];
			}
			sample[i] = (float) x;
		}
	}

	/**
	 * The integrals from sigmas[step] to sigmas[step + 1] of the Lagrange basis polynomials on the nodes
	 * sigmas[step - j], j < order: in u = tau - sigmas[step] each is a product of (u - node offset) terms, expanded
	 * and integrated term by term.
	 */
	private double[] coefficients(int step, int order) {
		double[] offset = new double[order];
		for (int j = 0; j < order; j++) {
			offset[j] = sigmas[step - j] - sigmas[step];
		}
		double h = sigmas[step + 1] - sigmas[step];
		double[] c = new double[order];
		for (int basis = 0; basis < order; basis++) {
			double[] poly = new double[order];
			poly[0] = 1;
			int degree = 0;
			double denominator = 1;
			for (int j = 0; j < order; j++) {
				if (j == basis) {
					continue;
				}
				degree++;
				for (int p = degree; p > 0; p--) {
					poly[p] = poly[p - 1] - offset[j] * poly[p];
				}
				poly[0] *= -offset[j];
				denominator *= offset[basis] - offset[j];
			}
			double integral = 0;
			double power = h;
			for (int p = 0; p <= degree; p++) {
				integral += poly[p] * power / (p + 1);
				power *= h;
			}
			c[basis] = integral / denominator;
		}
		return c;
	}
}
