#!/usr/bin/env bash
# GPU verification of the device service's CUDA backend, on a GPU host that has no JDK.
#   releng/gpu/verify.sh prepare   here: compiles GpuVerification against the built bundles, stages a JRE and
#                                  the jars into .carry/ (needs ./mvnw verify -DskipTests first)
#   releng/gpu/verify.sh run       there: runs it (the device tool copies .carry/ with the working tree)
#   releng/gpu/verify.sh power     there: NVML telemetry against nvidia-smi, energy of a 10 s load (load.py)
#   releng/gpu/verify.sh lease [N] there or here: the lease latency benchmark (LeaseLatency.java)
#   releng/gpu/verify.sh bench ARGS there: atelier bench ARGS (BenchMain.java: the CLI command without OSGi)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
source "$root/releng/gpu/stage-jars.sh"
case "${1:-}" in
  prepare)
    gpu_jars core device device.cuda device.sim power device.cpu cli kernels bench
    stage_carry
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 -d "$carry/classes" \
      -cp "$(class_path)" "$root/releng/gpu/GpuVerification.java" "$root/releng/gpu/LeaseLatency.java" "$root/releng/gpu/PowerVerification.java" \
      "$root/releng/gpu/BenchMain.java"
    /usr/local/cuda/bin/nvcc -ptx -arch=compute_80 -o "$carry/classes/vector_add.ptx" "$root/releng/gpu/vector_add.cu"
    du -sh "$carry"
    ;;
  run)
    nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv || true
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$carry/lib/*:$carry/classes" GpuVerification "$carry/classes/vector_add.ptx"
    ;;
  power)
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$carry/lib/*:$carry/classes" PowerVerification "$root/releng/gpu/load.py"
    ;;
  lease)
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$carry/lib/*:$carry/classes" LeaseLatency "${2:-20000}"
    ;;
  bench)
    shift
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes" BenchMain "$@" \
      2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  *) echo "usage: releng/gpu/verify.sh prepare|run|power|lease [N]|bench [ARGS]" >&2; exit 2 ;;
esac
