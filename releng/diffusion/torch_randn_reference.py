"""Writes the reference values TorchRandomTest pins: torch.randn on the CPU generator for a few seeds and lengths.

Run with a Python that has PyTorch (Debian's python3-torch 1.13 or 2.x): python3 releng/diffusion/torch_randn_reference.py
"""
import json
import sys

import torch

cases = []
for seed in (0, 42, 123456789, 4294967297):
    for n in (16, 100, 256):
        torch.manual_seed(seed)
        cases.append({"seed": seed, "n": n, "values": torch.randn(n).tolist()})
out = sys.argv[1] if len(sys.argv) > 1 else "bundles/dev.atelier.diffusion.tests/data/torch-randn.json"
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print("wrote", out)
