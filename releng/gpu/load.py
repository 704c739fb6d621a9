# A steady GPU load for the power verification: FP16 matmuls for the given number of seconds.
import sys, time
import torch
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 12
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
end = time.time() + seconds
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
