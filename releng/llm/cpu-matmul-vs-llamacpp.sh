#!/usr/bin/env bash
# The CPU backend's decode matmuls (float against 8-bit integer activations, CpuMatmulBench on random 1B-shape
# weights) beside llama.cpp's CPU decode (llama-bench tg) on 1B-shape GGUF files of the same types, in one run.
#   releng/llm/cpu-matmul-vs-llamacpp.sh LLAMA_BENCH MODEL_DIR [THREADS]
# MODEL_DIR holds Q8_0.gguf, Q4_0.gguf (make_llama_gguf.py --shape 1b, then llama-quantize); needs
# bundles/dev.atelier.compute built (./mvnw -o -B verify -pl bundles/dev.atelier.compute -am).
# Ours is the matmuls alone (no attention, norms or sampling): an upper bound on the engine's decode rate.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=${1:?usage: cpu-matmul-vs-llamacpp.sh LLAMA_BENCH MODEL_DIR [THREADS]}
models=${2:?model directory}
threads=${3:-$(nproc)}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
jar=$(ls "$root"/bundles/dev.atelier.compute/target/dev.atelier.compute-*-SNAPSHOT.jar | grep -v sources)
classes=$(mktemp -d)
"$java/javac" --add-modules jdk.incubator.vector -nowarn -cp "$jar" -d "$classes" "$root/releng/llm/CpuMatmulBench.java" 2>/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F); threads $threads"
args=()
for type in Q8_0 Q4_0; do
  tg=$("$bench" -m "$models/$type.gguf" -t "$threads" -p 0 -n 16 -r 2 -o json 2>/dev/null \
    | python3 -c 'import json,sys; print(next(r["avg_ts"] for r in json.load(sys.stdin) if r["n_gen"] > 0))')
  args+=("$type=$tg")
done
"$java/java" --add-modules jdk.incubator.vector -Xmx4g -cp "$classes:$jar" dev.atelier.compute.internal.cpu.CpuMatmulBench "$threads" "${args[@]}" 2>/dev/null
rm -rf "$classes"
