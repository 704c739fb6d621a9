"""Reference edge maps for Atelier's canny preprocessor (issue 15): OpenCV's cv2.Canny, which AUTOMATIC1111's ControlNet
extension calls on the RGB image as it is (no blur first), with its default thresholds 100/200 and one other pair.

Inputs: the SD 1.x pipeline fixture (engine-sd1/pipeline.png, a 64×64 generated image) and a 96×80 synthetic image
(shapes, a gradient, per-channel edges and noise) written here. Outputs in the diffusion tests' fixture/canny/:
INPUT.png and INPUT-LOW-HIGH.png (white edges on black).

Run: /usr/bin/python3 releng/diffusion/make_canny_reference.py  (Debian's python3-opencv and numpy, OpenCV 4.6)
"""
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "bundles" / "dev.atelier.diffusion.tests" / "fixture"
THRESHOLDS = [(100, 200), (50, 120)]


def synthetic():
    h, w = 80, 96
    img = np.zeros((h, w, 3), np.uint8)
    img[:, :, 2] = np.linspace(0, 255, w, dtype=np.float32)[None, :].astype(np.uint8)  # a gradient in blue
    cv2.circle(img, (30, 40), 18, (200, 60, 20), -1)
    cv2.rectangle(img, (55, 10), (88, 35), (20, 220, 90), -1)
    cv2.line(img, (5, 75), (90, 45), (255, 255, 255), 2)
    cv2.ellipse(img, (70, 60), (15, 8), 30, 0, 360, (0, 0, 0), -1)
    rng = np.random.default_rng(7)
    noise = rng.integers(-25, 26, (h, w, 3))
    return np.clip(img.astype(np.int32) + noise, 0, 255).astype(np.uint8)


def main():
    out = FIXTURE / "canny"
    out.mkdir(parents=True, exist_ok=True)
    inputs = {"pipeline": cv2.cvtColor(cv2.imread(str(FIXTURE / "engine-sd1" / "pipeline.png")), cv2.COLOR_BGR2RGB), "shapes": synthetic()}
    for name, rgb in inputs.items():
        cv2.imwrite(str(out / f"{name}.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        for low, high in THRESHOLDS:
            # as the extension calls it: the RGB array, L1 gradient (OpenCV's default)
            cv2.imwrite(str(out / f"{name}-{low}-{high}.png"), cv2.Canny(rgb, low, high))
    print("wrote", out, "with OpenCV", cv2.__version__)


if __name__ == "__main__":
    main()
