#!/usr/bin/env bash
# Session 9, call 3: the real SD 1.5 (and, where time is left, SDXL) configuration against diffusers (llm.sh sdfull):
# networks within FP16 tolerance and the 20-step image, now through the batched, captured UNet runs.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
RUNS=1 JAVA_OPTS=-Dsd.nopeaks=true timeout ${SD15_S:-280} releng/gpu/llm.sh sdfull sd15 > "$out/sdfull-sd15.txt" 2>&1; echo "rc=$?" >> "$out/sdfull-sd15.txt"
[ "${SDXL:-1}" = 0 ] || { RUNS=1 JAVA_OPTS=-Dsd.nopeaks=true timeout 300 releng/gpu/llm.sh sdfull sdxl > "$out/sdfull-sdxl.txt" 2>&1; echo "rc=$?" >> "$out/sdfull-sdxl.txt"; }
tail -25 "$out"/sdfull-*.txt
