# Quick check of the kernels' fatbins on a GPU host with CuPy and PyTorch, without Java: each kernel's result
# against PyTorch, and the GEMMs' time against torch.matmul (cuBLAS) on an H100 (gemm_sm90 is sm_90a only). The Java benchmarks (atelier bench)
# are the measurement of record; this is for working on the kernels.
#   python3 releng/gpu/kernels_check.py [bundles/dev.atelier.kernels/fatbin]
import sys, math
import cupy as cp
import torch

root = sys.argv[1] if len(sys.argv) > 1 else "bundles/dev.atelier.kernels/fatbin"
mod = lambda name: cp.RawModule(path=f"{root}/{name}.fatbin")
failures = []

def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)

def timed(fn, reps=20):
    fn()
    cp.cuda.Device().synchronize()
    start, end = cp.cuda.Event(), cp.cuda.Event()
    times = []
    for _ in range(reps):
        start.record(); fn(); end.record(); end.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, end))
    return sorted(times)[len(times) // 2]

sms = cp.cuda.Device().attributes["MultiProcessorCount"]
grid = (sms * 8,)

n = 1 << 26
a = cp.random.rand(n, dtype=cp.float64); b = cp.random.rand(n, dtype=cp.float64); c = cp.empty_like(a)
s = mod("stream")
s.get_function("stream_triad")(grid, (256,), (c, a, b, cp.float64(3.0), cp.int64(n // 2)))
check(bool(cp.allclose(c, a + 3.0 * b)), "stream_triad")
ms = timed(lambda: s.get_function("stream_copy")(grid, (256,), (a, c, cp.int64(n // 2))))
print(f"    stream_copy {2 * 8 * n / ms / 1e6:.0f} GB/s")

f = cp.arange(1 << 24, dtype=cp.float32); o = cp.empty_like(f)
acc = mod("access")
for log in (0, 3, 6):
    acc.get_function("strided_read")(grid, (256,), (f, o, cp.int64(f.size), cp.int32(log)))
    rows = f.size >> log
    expect = f.reshape(rows, 1 << log).T.reshape(-1)
    check(bool(cp.array_equal(o, expect)), f"strided_read stride {1 << log} reads a permutation")
acc.get_function("random_gather")(grid, (256,), (f, o, cp.int64(f.size), cp.uint64(7)))
check(bool(((o >= 0) & (o < f.size)).all()) and float(cp.unique(o).size) > 0.5 * f.size, "random_gather reads spread indices")

img = cp.random.randint(0, 2**32, size=3840 * 2160 + 3, dtype=cp.uint64).astype(cp.uint32); out = cp.empty_like(img)
im = mod("image")
im.get_function("invert_rgba4")(grid, (256,), (img, out, cp.int64(img.size // 4)))
im.get_function("invert_rgba")((1,), (32,), (img, out, cp.int64(img.size // 4 * 4), cp.int64(img.size)))
check(bool(cp.array_equal(out, img ^ cp.uint32(0x00FFFFFF))), "invert_rgba4 + invert_rgba keep alpha, invert RGB")

x = cp.random.rand(1 << 24, dtype=cp.float32); total = cp.zeros(1, dtype=cp.float32)
mod("reduce").get_function("reduce_sum")(grid, (256,), (x, total, cp.int64(x.size // 4)))
check(abs(float(total[0]) - float(x.sum(dtype=cp.float64))) < 1e-4 * x.size, f"reduce_sum {float(total[0]):.1f} vs {float(x.sum()):.1f}")

for image, name, tile_m, tile_n, smem in (("gemm", "gemm_fp16", 128, 128, 61440),
                                          ("gemm_sm90", "gemm_fp16_sm90", 128, 256, 197632)):
    g = mod(image).get_function(name)
    g.max_dynamic_shared_size_bytes = smem
    for size in (1024, 4096, 8192):
        A = torch.randn(size, size, device="cuda", dtype=torch.float16)
        B = torch.randn(size, size, device="cuda", dtype=torch.float16)  # N×K: C = A·Bᵀ
        C = torch.zeros(size, size, device="cuda", dtype=torch.float16)
        args = (cp.asarray(A), cp.asarray(B), cp.asarray(C), cp.int32(size), cp.int32(size), cp.int32(size))
        launch = lambda: g((size // tile_n, size // tile_m), (256,), args, shared_mem=smem)
        launch()
        rows = torch.arange(0, size, size // 16, device="cuda")
        exact = A[rows].double() @ B.double().t()
        err = ((C[rows].double() - exact).abs().max() / exact.abs().max()).item()
        check(err < 2e-3, f"{name} {size}³ against float64 on 16 rows: relative error {err:.2e}")
        ours = timed(launch)
        theirs = timed(lambda: torch.matmul(A, B.t(), out=C))
        flop = 2 * size ** 3
        print(f"    {name} {size}³: atelier {flop / ours / 1e9:.0f} TFLOP/s, torch {flop / theirs / 1e9:.0f} TFLOP/s, ratio {theirs / ours:.2f}")
print("KERNELS OK" if not failures else f"KERNELS FAILED: {failures}")
sys.exit(1 if failures else 0)
