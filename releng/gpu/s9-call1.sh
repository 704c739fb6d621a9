#!/usr/bin/env bash
# Session 9, call 1: the batched kernels against the CPU, SD 1.5 step timings with and without CUDA Graphs beside
# diffusers, the reduced pipelines against diffusers' images (all on cuda:0), then SD 1.5's images/s by batch.
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
timeout 110 releng/gpu/compute-check.sh run > "$out/compute.txt" 2>&1; echo "compute-check rc=$?" >> "$out/compute.txt"
timeout 110 releng/gpu/llm.sh sd 10 1 > "$out/sd-graphs.txt" 2>&1; echo "rc=$?" >> "$out/sd-graphs.txt"
JAVA_OPTS=-Datelier.diffusion.graphs=false timeout 60 releng/gpu/llm.sh sd 10 0 > "$out/sd-eager.txt" 2>&1; echo "rc=$?" >> "$out/sd-eager.txt"
timeout 140 releng/gpu/llm.sh sdpipe > "$out/sdpipe.txt" 2>&1; echo "rc=$?" >> "$out/sdpipe.txt"
FAMILIES=sd15 timeout 150 releng/gpu/llm.sh sdbatch > "$out/sdbatch-sd15.txt" 2>&1; echo "rc=$?" >> "$out/sdbatch-sd15.txt"
grep -c FAIL "$out/compute.txt"; grep -e FAIL -e batch "$out/compute.txt" | head -12; tail -4 "$out/sd-graphs.txt" "$out/sd-eager.txt"; tail -15 "$out/sdpipe.txt"
grep -e images/s -e 'batch  *[0-9]*:' -e rc= "$out/sdbatch-sd15.txt"
