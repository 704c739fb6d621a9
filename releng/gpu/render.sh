#!/usr/bin/env bash
# The CUDA path tracer (kernels/pathtrace.cu, CudaRenderer) against the CPU one, with RenderVerification.java.
#   releng/gpu/render.sh prepare [DIR]  here: compiles RenderVerification against the built bundles and stages a JRE,
#                                  the jars and this script into DIR (.carry/ by default; build first: ./mvnw -B -o -q
#                                  verify -DskipTests -pl bundles/dev.atelier.viewport,bundles/dev.atelier.device.cuda,
#                                  bundles/dev.atelier.device.cpu -am). The device tool sends the session's checkout:
#                                  from another worktree, stage into an ignored folder of that checkout and carry it.
#   releng/gpu/render.sh emulate   here, no GPU needed: the kernel's tracing code compiled for the CPU
#                                  (pathtrace_emulate.cu) against the Java tracer, sample for sample
#   releng/gpu/render.sh run [S]   on the GPU host (.carry/, or DIR/render.sh run): (a) the same random streams,
#                                  convergence to the CPU's reference, the white furnace; (b) Mrays/s of the CPU
#                                  (all cores) and CUDA backends, Cornell box and sphere field; S scales the timed runs
#   releng/gpu/render.sh perf [S]  there: (b) only; gpu-perf [S]: (b) for the CUDA backend alone
# SHARED_DEVICE points at the shared device tools (stage.sh), ../shared/device by default.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# Run from a staged folder (DIR/render.sh), the runtime is beside the script.
if [ -x "$here/jre/bin/java" ]; then carry=$here; else carry="$root/.carry"; fi
javac_="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac"
jars() {
  for b in core device device.cuda device.cpu cli kernels viewport; do
    ls "$root"/bundles/dev.atelier.$b/target/dev.atelier.$b-*[0-9T].jar
  done
  echo "$HOME/.m2/repository/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar"
  echo "$HOME/.m2/repository/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar"
  echo "$HOME/.m2/repository/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar"
}
# compile CLASSES JAR...: RenderVerification against the jars (javac's notes on the OSGi annotations it lacks left out)
compile() {
  local out=$1; shift
  local log; log=$(mktemp)
  if ! "$javac_" --release 25 -d "$out" -cp "$(IFS=:; echo "$*")" "$root/releng/gpu/RenderVerification.java" >"$log" 2>&1; then
    cat "$log"; rm -f "$log"; return 1
  fi
  grep -v -e '^warning: unknown enum constant' -e '^  reason: class file for org.osgi' -e '^[0-9]* warnings$' "$log" || true
  rm -f "$log"
}
case "${1:-}" in
  prepare)
    mapfile -t list < <(jars)
    carry=$(mkdir -p "${2:-$root/.carry}" && cd "${2:-$root/.carry}" && pwd)
    rm -rf "$carry/lib" "$carry/classes"
    "${SHARED_DEVICE:-$root/../shared/device}/stage.sh" "$carry" "${list[@]}"
    # Only the driver binding is used: drop JCuda's PTX compiler, NVRTC and runtime natives.
    zip -q -d "$carry"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
    mkdir -p "$carry/classes"
    compile "$carry/classes" "${list[@]}"
    cp "$root/releng/gpu/render.sh" "$carry/"
    du -sh "$carry"
    ;;
  emulate)
    mapfile -t list < <(jars)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    for build in exact:-ffp-contract=off fma:-ffp-contract=fast,-march=haswell; do
      /usr/local/cuda/bin/nvcc -O2 -std=c++17 -Xcompiler "${build#*:},-fopenmp" -o "$work/emulator_${build%%:*}" "$root/releng/gpu/pathtrace_emulate.cu"
    done
    compile "$work/classes" "${list[@]}"
    java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
    "$java" -cp "$(IFS=:; echo "${list[*]}"):$work/classes" dev.atelier.viewport.internal.trace.RenderVerification emulate "$work/emulator" "$work"
    ;;
  run|perf|gpu-perf)
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)' || true
    mode=$([ "$1" = run ] && echo verify || echo "$1")
    # shellcheck disable=SC2086
    "$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} -cp "$carry/lib/*:$carry/classes" \
      dev.atelier.viewport.internal.trace.RenderVerification "$mode" "${2:-1}"
    ;;
  *) echo "usage: releng/gpu/render.sh prepare [DIR]|emulate|run [TIME_SCALE]|perf [TIME_SCALE]|gpu-perf [TIME_SCALE]" >&2; exit 2 ;;
esac
