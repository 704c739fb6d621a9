#!/usr/bin/env bash
# Session 9, call 1: the batched kernels against the CPU, the reduced pipelines against diffusers' images (cuda:0), SD
# 1.5's step timing (CUDA Graphs, CFG's rows as one batch) beside diffusers, SD 1.5's high-water marks against the
# planner and its images/s by batch beside diffusers.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
timeout 100 releng/gpu/compute-check.sh run > "$out/compute.txt" 2>&1; echo "compute-check rc=$?" >> "$out/compute.txt"
timeout 140 releng/gpu/llm.sh sdpipe > "$out/sdpipe.txt" 2>&1; echo "rc=$?" >> "$out/sdpipe.txt"
timeout 100 releng/gpu/llm.sh sd 10 1 > "$out/sd-graphs.txt" 2>&1; echo "rc=$?" >> "$out/sd-graphs.txt"
FAMILIES=sd15 timeout 90 releng/gpu/llm.sh sdpeaks > "$out/sdpeaks-sd15.txt" 2>&1; echo "rc=$?" >> "$out/sdpeaks-sd15.txt"
FAMILIES=sd15 timeout 140 releng/gpu/llm.sh sdbatch > "$out/sdbatch-sd15.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch-sd15.txt"
grep -c FAIL "$out/compute.txt"; grep -e FAIL -e batch "$out/compute.txt" | head -12; tail -15 "$out/sdpipe.txt"; tail -4 "$out/sd-graphs.txt"
grep -e '^peak' -e PASSED -e FAIL -e rc= "$out/sdpeaks-sd15.txt"; grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch-sd15.txt"
