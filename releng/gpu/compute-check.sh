#!/usr/bin/env bash
# GPU check of the compute runtime's CUDA backend (ComputeCheck.java): every operation and weight type on cuda:0
# against a scalar CPU reference (weights dequantised by the CPU backend) (relative RMS per op/type), then decode GEMV bandwidth for 4096×4096 and 14336×4096
# matrices of each type as GB/s and % of the device's peak. Exits non-zero when an error is beyond its tolerance.
#   releng/gpu/compute-check.sh prepare   here: compiles ComputeCheck against the built bundles, stages a JRE and the
#                                         jars into .carry/ (needs ./mvnw verify -DskipTests of the
#                                         bundles first; the GGUF encoders compile from the LLM's sources)
#   releng/gpu/compute-check.sh run       there: runs it (the device tool copies .carry/ with the working tree)
#   releng/gpu/compute-check.sh emulate   here, no GPU: compute.cu's weight decoding, GEMVs, rms_norm and rope_store compiled for the host
#                                         (compute_emulate.cu) against the CPU backend (same bundles built first)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
source "$root/releng/gpu/stage-jars.sh"
gpu_jars core device device.cuda device.cpu cli kernels compute
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# ComputeCheck and the GGUF encoders it uses (compiled from the LLM's sources) into $1.
compile() {
  "$java_home/bin/javac" --release 25 --add-modules jdk.incubator.vector -d "$1" \
    -cp "$(class_path)" "$root/releng/gpu/ComputeCheck.java" \
    "$root"/bundles/dev.atelier.llm/src/dev/atelier/llm/internal/gguf/{Quantize,GgmlType}.java 2> >(grep -v 'incubator' >&2)
}
case "${1:-}" in
  prepare)
    stage_carry
    compile "$carry/classes"
    du -sh "$carry"
    ;;
  emulate)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    /usr/local/cuda/bin/nvcc -O2 -std=c++17 -arch=sm_90 -o "$work/compute_emulate" "$root/releng/gpu/compute_emulate.cu"
    compile "$work/classes"
    "$java_home/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$(class_path):$work/classes" \
      ComputeCheck emulate "$work/compute_emulate" 2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  run)
    nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv || true
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes" ComputeCheck \
      2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  *) echo "usage: releng/gpu/compute-check.sh prepare|run|emulate" >&2; exit 2 ;;
esac
