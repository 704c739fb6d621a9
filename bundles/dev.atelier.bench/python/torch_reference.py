# The reference of `atelier bench`: times PyTorch on the operations of the GPU suite that have a PyTorch
# counterpart, at the same sizes, with CUDA events, the same warm-up and number of runs.
# Reads a JSON object on standard input:
#   {"warmup": 3, "runs": 10, "device": 0,
#    "requests": [{"name": ..., "op": "copy" | "h2d" | "d2h" | "matmul", "bytes": B, "pinned": true, "n": N}, ...]}
# and writes {"torch": VERSION, "device": NAME, "results": {name: median milliseconds}} on standard output.
import json, statistics, sys

import torch

spec = json.load(sys.stdin)
torch.cuda.set_device(spec.get("device", 0))
warmup, runs = spec["warmup"], spec["runs"]


def median_ms(fn):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


results = {}
for r in spec["requests"]:
    op = r["op"]
    if op == "copy":
        src = torch.zeros(r["bytes"], dtype=torch.uint8, device="cuda")
        dst = torch.empty_like(src)
        results[r["name"]] = median_ms(lambda: dst.copy_(src))
    elif op in ("h2d", "d2h"):
        host = torch.ones(r["bytes"], dtype=torch.uint8)
        if r["pinned"]:
            host = host.pin_memory()
        dev = torch.empty(r["bytes"], dtype=torch.uint8, device="cuda")
        if op == "h2d":
            results[r["name"]] = median_ms(lambda: dev.copy_(host, non_blocking=r["pinned"]))
        else:
            results[r["name"]] = median_ms(lambda: host.copy_(dev, non_blocking=r["pinned"]))
    elif op == "matmul":
        n = r["n"]
        a = torch.randn(n, n, device="cuda", dtype=torch.float16)
        b = torch.randn(n, n, device="cuda", dtype=torch.float16)
        c = torch.empty(n, n, device="cuda", dtype=torch.float16)
        # Atelier's GEMM computes A·Bᵀ with both operands K-major (weights as stored): the same here.
        results[r["name"]] = median_ms(lambda: torch.matmul(a, b.t(), out=c))
    else:
        raise SystemExit(f"unknown op {op!r} in request {r['name']!r}")
    torch.cuda.empty_cache()

json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(), "results": results}, sys.stdout)
