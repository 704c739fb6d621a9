#!/usr/bin/env bash
# Session 9, call 2: the engine's high-water marks against the planner (llm.sh sdpeaks), SDXL's images/s by batch
# beside diffusers, on the batched, captured UNet runs.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
timeout 250 releng/gpu/llm.sh sdpeaks > "$out/sdpeaks.txt" 2>&1; echo "rc=$?" >> "$out/sdpeaks.txt"
FAMILIES=sdxl timeout 300 releng/gpu/llm.sh sdbatch > "$out/sdbatch-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch-sdxl.txt"
grep -e '^peak' -e PASSED -e FAIL -e rc= "$out/sdpeaks.txt"; grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch-sdxl.txt"
