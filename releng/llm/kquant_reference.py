#!/usr/bin/env python3
"""Reference values for the K-quant dequantisers (KQuantReferenceTest).

Makes a few random but valid super-blocks of Q4_K, Q5_K and Q6_K (bytes from a fixed-seed RNG, the F16 super-block
scales overwritten with sane positive values), dequantises them with llama.cpp's gguf-py, and writes both to
bundles/dev.atelier.llm.tests/fixture/kquant-reference.bin. Little-endian records, one per type:
u32 ggml type id, u32 block count n, n blocks of bytes, n * 256 float32 values.

Run with llama.cpp's gguf-py on the path (the source is in ../shared/anchors; extract it outside the repo):
  PYTHONPATH=/tmp/llama.cpp/gguf-py python3 releng/llm/kquant_reference.py
"""
import pathlib
import struct
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGML_QUANT_SIZES
from gguf.quants import dequantize

BLOCKS = 2
OUT = pathlib.Path(__file__).resolve().parents[2] / "bundles/dev.atelier.llm.tests/fixture/kquant-reference.bin"


def half(value):
    return np.array([value], dtype=np.float16).view(np.uint8)


def blocks(rng, qtype):
    """BLOCKS random blocks with their F16 scales replaced: d and dmin at bytes 0 and 2 (Q4_K, Q5_K), d at 208 (Q6_K)."""
    size = GGML_QUANT_SIZES[qtype][1]
    data = rng.integers(0, 256, size=(BLOCKS, size), dtype=np.uint8)
    for b in range(BLOCKS):
        if qtype == T.Q6_K:
            data[b, 208:210] = half(rng.uniform(1e-4, 1e-2))
        else:
            data[b, 0:2] = half(rng.uniform(1e-3, 5e-2))
            data[b, 2:4] = half(rng.uniform(1e-3, 5e-2))
    return data


def main():
    rng = np.random.default_rng(20261205)
    out = bytearray()
    for qtype in (T.Q4_K, T.Q5_K, T.Q6_K):
        data = blocks(rng, qtype)
        values = dequantize(data.reshape(-1), qtype).astype("<f4")
        assert values.shape == (BLOCKS * 256,) and np.all(np.isfinite(values))
        out += struct.pack("<II", int(qtype), BLOCKS) + data.tobytes() + values.tobytes()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(bytes(out))
    print(f"wrote {OUT} ({len(out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
