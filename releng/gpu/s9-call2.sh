#!/usr/bin/env bash
# Session 9, call 2: SDXL's high-water marks against the planner (llm.sh sdpeaks) and its images/s by batch beside
# diffusers (llm.sh sdbatch), on the batched, captured UNet runs.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
FAMILIES=sdxl timeout 170 releng/gpu/llm.sh sdpeaks > "$out/sdpeaks-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdpeaks-sdxl.txt"
FAMILIES=sdxl timeout 230 releng/gpu/llm.sh sdbatch > "$out/sdbatch-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch-sdxl.txt"
grep -e '^peak' -e PASSED -e FAIL -e rc= "$out/sdpeaks-sdxl.txt"; grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch-sdxl.txt"
