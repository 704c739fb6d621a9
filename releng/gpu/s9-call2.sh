#!/usr/bin/env bash
# Session 9, call 2: images/s by batch beside diffusers (llm.sh sdbatch), then the engine's high-water marks against the
# planner (llm.sh sdpeaks), on the batched, captured UNet runs.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
timeout 330 releng/gpu/llm.sh sdbatch > "$out/sdbatch.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch.txt"
timeout 240 releng/gpu/llm.sh sdpeaks > "$out/sdpeaks.txt" 2>&1; echo "rc=$?" >> "$out/sdpeaks.txt"
grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch.txt"; grep -e '^peak' -e PASSED -e FAIL -e rc= "$out/sdpeaks.txt"
