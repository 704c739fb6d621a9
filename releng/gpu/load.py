# A steady GPU load for the power verification, for the given number of seconds:
#   load.py SECONDS          FP16 matmuls
#   load.py SECONDS copy     pinned host-to-device copies (PCIe traffic); prints the rate it reached
import sys, time
import torch
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 12
end = time.time() + seconds
if len(sys.argv) > 2 and sys.argv[2] == "copy":
    host = torch.empty(256 << 20, dtype=torch.uint8).pin_memory()
    dev = torch.empty(256 << 20, dtype=torch.uint8, device="cuda")
    moved, start = 0, time.time()
    while time.time() < end:
        for _ in range(8):
            dev.copy_(host, non_blocking=True)
        torch.cuda.synchronize()
        moved += 8 * host.numel()
    print(f"host-to-device copies: {moved / (time.time() - start) / 1e6:.0f} MB/s", flush=True)
else:
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
    while time.time() < end:
        for _ in range(20):
            c = a @ b
        torch.cuda.synchronize()
