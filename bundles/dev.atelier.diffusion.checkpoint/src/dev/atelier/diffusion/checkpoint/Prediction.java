package dev.atelier.diffusion.checkpoint;

/** What the UNet predicts: the noise (ε) or the velocity v (SD 2.x 768 models). */
public enum Prediction {
	EPSILON("epsilon"), V_PREDICTION("v_prediction");

	private final String schedulerName;

	Prediction(String schedulerName) {
		this.schedulerName = schedulerName;
	}

	/** The name diffusers' scheduler_config.json uses ({@code prediction_type}). */
	public String schedulerName() {
		return schedulerName;
	}
}
