# Reference tables for dev.atelier.diffusion.scheduler: each sampler's timesteps, sigmas and init noise sigma, and
# whole sampling runs of a toy model, from diffusers' published formulas written out again in float64 NumPy (no
# diffusers, no torch). The Java tests compare against the JSON this writes.
#   python3 releng/diffusion/scheduler_tables.py [bundles/dev.atelier.diffusion.tests/data/scheduler-tables-sd15.json]
import json, math, sys
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "bundles/dev.atelier.diffusion.tests/data/scheduler-tables-sd15.json"
SAMPLERS = ["euler_a", "euler", "ddim", "dpmpp_2m", "dpmpp_2m_karras", "lms"]

# scheduler_config.json as diffusers writes it; absent keys take diffusers' defaults.
CONFIGS = {
    "sd15": {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "prediction_type": "epsilon", "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False,
             "trained_betas": None},
    "sd15-leading": {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1,
                     "set_alpha_to_one": False, "timestep_spacing": "leading"},
    "sd15-trailing": {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1,
                      "set_alpha_to_one": False, "timestep_spacing": "trailing"},
    "sd21-v": {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "steps_offset": 1,
               "set_alpha_to_one": False, "prediction_type": "v_prediction"},
    "linear": {},
    "cosine": {"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": 500},
}
DEFAULTS = {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
            "prediction_type": "epsilon", "timestep_spacing": None, "steps_offset": 0, "set_alpha_to_one": True}


def settings(name):
    return {**DEFAULTS, **{k: v for k, v in CONFIGS[name].items() if k in DEFAULTS}}


def alphas_cumprod(c):
    n = c["num_train_timesteps"]
    if c["beta_schedule"] == "linear":
        betas = np.linspace(c["beta_start"], c["beta_end"], n)
    elif c["beta_schedule"] == "scaled_linear":
        betas = np.linspace(c["beta_start"] ** 0.5, c["beta_end"] ** 0.5, n) ** 2
    else:
        bar = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.array([min(1 - bar((i + 1) / n) / bar(i / n), 0.999) for i in range(n)])
    return np.cumprod(1.0 - betas)


def spaced(c, steps, default, dpm=False, integer=False):
    n, spacing = c["num_train_timesteps"], c["timestep_spacing"] or default
    if spacing == "linspace":
        if dpm:
            return np.linspace(0, n - 1, steps + 1).round()[::-1][:-1].copy()
        t = np.linspace(0, n - 1, steps)[::-1].copy()
        return t.round() if integer else t
    if spacing == "leading":
        if dpm:
            return (np.arange(0, steps + 1) * (n // (steps + 1))).round()[::-1][:-1] + c["steps_offset"]
        return (np.arange(0, steps) * (n // steps)).round()[::-1] + c["steps_offset"]
    # arange yields one value more (about 0) for some step counts; the schedulers run the first `steps`
    return np.arange(n, 0, -n / steps)[:steps].round() - 1.0


def sigma_to_t(sigma, log_sigmas):
    # the timestep whose log sigma this is, interpolating between the table's neighbours
    log_sigma = math.log(max(sigma, 1e-10))
    below = np.nonzero(log_sigmas <= log_sigma)[0]
    low = min(below[-1] if len(below) else 0, len(log_sigmas) - 2)
    w = np.clip((log_sigmas[low] - log_sigma) / (log_sigmas[low] - log_sigmas[low + 1]), 0, 1)
    return (1 - w) * low + w * (low + 1)


class Schedule:
    """Timesteps, sigmas and the solver of one sampler; samples are k-diffusion's x = x0 + sigma*eps except for
    DDIM and DPM-Solver, whose samples are the variance-preserving x = sqrt(ac)*x0 + sqrt(1-ac)*eps."""

    def __init__(self, sampler, c, steps):
        self.sampler, self.c, self.steps = sampler, c, steps
        self.ac = alphas_cumprod(c)
        n = len(self.ac)
        table = np.sqrt((1 - self.ac) / self.ac)
        self.vp = sampler in ("ddim", "dpmpp_2m", "dpmpp_2m_karras")
        if sampler == "ddim":
            self.t = spaced(c, steps, "leading", integer=True)
            final = 1.0 if c["set_alpha_to_one"] else self.ac[0]
            prev = self.t - n // steps
            self.a = np.array([self.ac[int(t)] for t in self.t])
            self.a_prev = np.array([self.ac[int(p)] if p >= 0 else final for p in prev])
            self.sigmas = np.sqrt((1 - np.append(self.a, self.a_prev[-1])) / np.append(self.a, self.a_prev[-1]))
            self.init_noise_sigma = 1.0
            return
        if sampler == "dpmpp_2m_karras":
            ramp = np.linspace(0, 1, steps)
            lo, hi = table[0] ** (1 / 7), table[-1] ** (1 / 7)
            s = (hi + ramp * (lo - hi)) ** 7
            t = np.array([sigma_to_t(x, np.log(table)) for x in s])
            # diffusers rounds these except for cosine schedules, then stores them as integers
            self.t = np.trunc(t) if c["beta_schedule"] == "squaredcos_cap_v2" else t.round()
        else:
            dpm = sampler == "dpmpp_2m"
            self.t = spaced(c, steps, "linspace", dpm=dpm)
            s = np.interp(self.t, np.arange(n), table)
        self.sigmas = np.append(s, 0.0)
        if self.vp:
            self.init_noise_sigma = 1.0
        elif (c["timestep_spacing"] or "linspace") in ("linspace", "trailing"):
            self.init_noise_sigma = self.sigmas.max()
        else:
            self.init_noise_sigma = math.sqrt(self.sigmas.max() ** 2 + 1)

    def scale(self, x, i):
        return x if self.vp else x / math.sqrt(self.sigmas[i] ** 2 + 1)

    def add_noise(self, x0, noise, i):
        if self.sampler == "ddim":
            a = self.a[i]
            return math.sqrt(a) * x0 + math.sqrt(1 - a) * noise
        if self.vp:
            alpha = 1 / math.sqrt(self.sigmas[i] ** 2 + 1)
            return alpha * x0 + self.sigmas[i] * alpha * noise
        return x0 + self.sigmas[i] * noise

    def run(self, x, start, model, noise):
        v = self.c["prediction_type"] == "v_prediction"
        history = []
        for i in range(start, self.steps):
            out = model(self.scale(x, i), self.t[i])
            s, s_next = self.sigmas[i], self.sigmas[i + 1]
            if self.sampler == "ddim":
                a, ap = self.a[i], self.a_prev[i]
                if v:
                    x0, eps = math.sqrt(a) * x - math.sqrt(1 - a) * out, math.sqrt(a) * out + math.sqrt(1 - a) * x
                else:
                    x0, eps = (x - math.sqrt(1 - a) * out) / math.sqrt(a), out
                x = math.sqrt(ap) * x0 + math.sqrt(1 - ap) * eps
            elif self.vp:
                alpha = lambda sg: 1 / math.sqrt(sg ** 2 + 1)
                a_s, a_t = alpha(s), alpha(s_next)
                x0 = a_s * x - s * a_s * out if v else (x - s * a_s * out) / a_s
                history.append(x0)
                lam = lambda sg: math.log(alpha(sg)) - math.log(sg * alpha(sg)) if sg > 0 else math.inf
                h = lam(s_next) - lam(s)
                # with the final sigma zero diffusers takes a first-order last step whatever the step count
                if len(history) == 1 or i == self.steps - 1:
                    d = x0
                else:
                    r0 = (lam(s) - lam(self.sigmas[i - 1])) / h
                    d = x0 + 0.5 * (x0 - history[-2]) / r0
                x = (s_next * a_t) / (s * a_s) * x - a_t * (math.exp(-h) - 1.0) * d
            else:
                x0 = out * (-s / math.sqrt(s * s + 1)) + x / (s * s + 1) if v else x - s * out
                d = (x - x0) / s
                if self.sampler == "lms":
                    history.append(d)
                    x = x + sum(c * dk for c, dk in zip(self.lms_coefficients(i, min(len(history), 4)), reversed(history)))
                elif self.sampler == "euler":
                    x = x + d * (s_next - s)
                else:
                    up = math.sqrt(s_next ** 2 * (s ** 2 - s_next ** 2) / s ** 2)
                    down = math.sqrt(s_next ** 2 - up ** 2)
                    x = x + d * (down - s) + noise() * up
        return x

    def lms_coefficients(self, i, order):
        # Gauss-Legendre with 4 points is exact for the cubic (and lower) Lagrange basis polynomials
        nodes, weights = np.polynomial.legendre.leggauss(4)
        a, b = self.sigmas[i], self.sigmas[i + 1]
        taus = (b - a) / 2 * nodes + (a + b) / 2
        coeffs = []
        for j in range(order):
            basis = np.ones_like(taus)
            for k in range(order):
                if k != j:
                    basis *= (taus - self.sigmas[i - k]) / (self.sigmas[i - j] - self.sigmas[i - k])
            coeffs.append((b - a) / 2 * np.dot(weights, basis))
        return coeffs


# The toy model, start latents and noise that SchedulerReferenceTest reproduces.
LENGTH = 8
def toy_model(x, t):
    i = np.arange(len(x))
    return np.tanh(x) * (0.5 + t / 2000) + 0.1 * np.cos(0.37 * i + t / 100)

def start_noise():
    return 1.1 * np.cos(0.83 * np.arange(LENGTH) + 0.2)

def image_latent():
    return 0.5 * np.sin(0.9 * np.arange(LENGTH))

def noise_stream():
    k = [0]
    def draw():
        x = 1.2 * np.sin(1.7 * k[0] + 0.61 * np.arange(LENGTH) + 0.3)
        k[0] += 1
        return x
    return draw


def start_step(steps, strength):
    return steps - min(int(steps * strength), steps)


def main():
    tables = []
    for name, steps_list in [("sd15", [1, 7, 20, 25, 50])] + [(n, [25]) for n in CONFIGS if n != "sd15"]:
        c = settings(name)
        for steps in steps_list:
            for sampler in SAMPLERS:
                s = Schedule(sampler, c, steps)
                tables.append({"config": name, "sampler": sampler, "steps": steps, "timesteps": s.t.tolist(),
                               "sigmas": s.sigmas.tolist(), "init_noise_sigma": float(s.init_noise_sigma)})
    runs = []
    for name, steps, strength in [("sd15", 10, 1.0), ("sd15", 20, 1.0), ("sd21-v", 20, 1.0), ("sd15", 20, 0.6),
                                  ("sd15-leading", 25, 1.0), ("sd15-trailing", 16, 0.5)]:
        c = settings(name)
        for sampler in SAMPLERS:
            s = Schedule(sampler, c, steps)
            start = start_step(steps, strength)
            if strength == 1.0:
                x = start_noise() * s.init_noise_sigma
            else:
                x = s.add_noise(image_latent(), start_noise(), start)
            final = s.run(x, start, toy_model, noise_stream())
            runs.append({"config": name, "sampler": sampler, "steps": steps, "strength": strength,
                         "start": start, "final": final.tolist()})
    doc = {"generated_by": "releng/diffusion/scheduler_tables.py", "configs": CONFIGS, "tables": tables, "runs": runs}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{OUT}: {len(tables)} tables, {len(runs)} runs")


if __name__ == "__main__":
    main()
