#!/usr/bin/env bash
# GPU check of the compute runtime's CUDA backend (ComputeCheck.java): every operation and weight type on cuda:0
# against a scalar CPU reference (weights dequantised by the CPU backend) (relative RMS per op/type), then decode GEMV bandwidth for 4096×4096 and 14336×4096
# matrices of each type as GB/s and % of the device's peak. Exits non-zero when an error is beyond its tolerance.
#   releng/gpu/compute-check.sh prepare   here: compiles ComputeCheck against the built bundles, stages a JRE and the
#                                         jars into .carry/ (needs ./mvnw verify -DskipTests of the
#                                         bundles first; the GGUF encoders compile from the LLM's sources)
#   releng/gpu/compute-check.sh run       there: runs it (the device tool copies .carry/ with the working tree)
#   releng/gpu/compute-check.sh emulate   here, no GPU: compute.cu's weight decoding compiled for the host
#                                         (compute_emulate.cu) against the CPU backend (same bundles built first)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
jars=("$root"/bundles/dev.atelier.core/target/dev.atelier.core-*[0-9T].jar
      "$root"/bundles/dev.atelier.device/target/dev.atelier.device-*[0-9T].jar
      "$root"/bundles/dev.atelier.device.cuda/target/dev.atelier.device.cuda-*[0-9T].jar
      "$root"/bundles/dev.atelier.device.cpu/target/dev.atelier.device.cpu-*[0-9T].jar
      "$root"/bundles/dev.atelier.cli/target/dev.atelier.cli-*[0-9T].jar
      "$root"/bundles/dev.atelier.kernels/target/dev.atelier.kernels-*[0-9T].jar
      "$root"/bundles/dev.atelier.compute/target/dev.atelier.compute-*[0-9T].jar
      "$HOME/.m2/repository/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar"
      "$HOME/.m2/repository/info/picocli/picocli/4.7.7/picocli-4.7.7.jar"
      "$HOME/.m2/repository/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar"
      "$HOME/.m2/repository/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar")
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# ComputeCheck and the GGUF encoders it uses (compiled from the LLM's sources) into $1.
compile() {
  "$java_home/bin/javac" --release 25 --add-modules jdk.incubator.vector -d "$1" \
    -cp "$(IFS=:; echo "${jars[*]}")" "$root/releng/gpu/ComputeCheck.java" \
    "$root"/bundles/dev.atelier.llm/src/dev/atelier/llm/internal/gguf/{Quantize,GgmlType}.java 2> >(grep -v 'incubator' >&2)
}
case "${1:-}" in
  prepare)
    rm -rf "$carry"
    "$root/../shared/device/stage.sh" "$carry" "${jars[@]}"
    # Only the driver binding is used: drop JCuda's PTX compiler, NVRTC and runtime natives (25 MB).
    zip -q -d "$carry"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
    mkdir -p "$carry/classes"
    compile "$carry/classes"
    du -sh "$carry"
    ;;
  emulate)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    /usr/local/cuda/bin/nvcc -O2 -std=c++17 -arch=sm_90 -o "$work/compute_emulate" "$root/releng/gpu/compute_emulate.cu"
    compile "$work/classes"
    "$java_home/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$(IFS=:; echo "${jars[*]}"):$work/classes" \
      ComputeCheck emulate "$work/compute_emulate" 2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  run)
    nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv || true
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes" ComputeCheck \
      2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  *) echo "usage: releng/gpu/compute-check.sh prepare|run|emulate" >&2; exit 2 ;;
esac
