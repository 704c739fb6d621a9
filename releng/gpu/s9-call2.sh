#!/usr/bin/env bash
# Session 9, call 2: SDXL's high-water marks against the planner and its images/s by batch beside diffusers, then SD
# 1.5's step with the UNet runs not captured (the CUDA Graphs' share).
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
FAMILIES=sdxl timeout 150 releng/gpu/llm.sh sdpeaks > "$out/sdpeaks-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdpeaks-sdxl.txt"
FAMILIES=sdxl timeout 200 releng/gpu/llm.sh sdbatch > "$out/sdbatch-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch-sdxl.txt"
JAVA_OPTS=-Datelier.diffusion.graphs=false timeout 60 releng/gpu/llm.sh sd 10 0 > "$out/sd-eager.txt" 2>&1; echo "rc=$?" >> "$out/sd-eager.txt"
grep -e '^peak' -e PASSED -e FAIL -e rc= "$out/sdpeaks-sdxl.txt"; grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch-sdxl.txt"; tail -3 "$out/sd-eager.txt"
