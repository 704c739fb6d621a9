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
case "${1:-}" in
  prepare)
    jars=("$root"/bundles/dev.atelier.core/target/dev.atelier.core-*[0-9T].jar
          "$root"/bundles/dev.atelier.device/target/dev.atelier.device-*[0-9T].jar
          "$root"/bundles/dev.atelier.device.cuda/target/dev.atelier.device.cuda-*[0-9T].jar
          "$root"/bundles/dev.atelier.device.sim/target/dev.atelier.device.sim-*[0-9T].jar
          "$root"/bundles/dev.atelier.power/target/dev.atelier.power-*[0-9T].jar
          "$root"/bundles/dev.atelier.device.cpu/target/dev.atelier.device.cpu-*[0-9T].jar
          "$root"/bundles/dev.atelier.cli/target/dev.atelier.cli-*[0-9T].jar
          "$root"/bundles/dev.atelier.kernels/target/dev.atelier.kernels-*[0-9T].jar
          "$root"/bundles/dev.atelier.bench/target/dev.atelier.bench-*[0-9T].jar
          "$HOME/.m2/repository/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar"
          "$HOME/.m2/repository/info/picocli/picocli/4.7.7/picocli-4.7.7.jar"
          "$HOME/.m2/repository/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar"
          "$HOME/.m2/repository/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar")
    rm -rf "$carry"
    "$root/../shared/device/stage.sh" "$carry" "${jars[@]}"
    # Only the driver binding is used: drop JCuda's PTX compiler, NVRTC and runtime natives (25 MB).
    zip -q -d "$carry"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
    mkdir -p "$carry/classes"
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 -d "$carry/classes" \
      -cp "$(IFS=:; echo "${jars[*]}")" "$root/releng/gpu/GpuVerification.java" "$root/releng/gpu/LeaseLatency.java" "$root/releng/gpu/PowerVerification.java" \
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
