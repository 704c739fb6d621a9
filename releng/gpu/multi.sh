#!/usr/bin/env bash
# Several GPUs of one host (issue 19), on the multi-GPU kind (nvidia-h100-x2 or larger), side by side in one run.
#   releng/gpu/multi.sh prepare      here: stages .carry (a JRE, the jars, MultiRender); build first:
#                                    ./mvnw -B -o -q clean verify -DskipTests -pl bundles/dev.atelier.viewport,bundles/dev.atelier.device.cuda,bundles/dev.atelier.device.cpu -am
#   releng/gpu/multi.sh render [SCENE…]  there: each scene (default: cornell sphere-field) rendered on cuda:0 alone, then split
#                                    over the first 2 GPUs (and 4 where there are), the same seed; the images must be identical
#                                    bit for bit and the speed-up reach 1.85x on 2 cards (3.5x on 4): a PASSED or FAILED line
#                                    per case. SIZE (default 1920x1080), SPP (default 1024) and RUNS (the better of, default 2)
#                                    set the work.
#   releng/gpu/multi.sh one          there, on a host with one GPU (nvidia-h100-x1): the GPU's side of a split, over cuda:0 and
#                                    the CPU: with the bands held still, the GPU's rows equal its own render bit for bit and the
#                                    CPU's rows the CPU's; with bands moving every pass the image stays within the CPU-GPU
#                                    agreement; every lease given back. SIZE (default 640x360), SPP (default 64).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
source "$root/releng/gpu/stage-jars.sh"
java=("$carry/jre/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
case "${1:-}" in
  prepare)
    gpu_jars core device device.cuda device.cpu cli kernels viewport
    MODULES=java.base,java.logging,jdk.unsupported,jdk.incubator.vector stage_carry
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 --add-modules jdk.incubator.vector -d "$carry/classes" \
      -cp "$(class_path)" "$root/releng/gpu/MultiRender.java" 2> >(grep -v -e 'incubator' -e 'unknown enum constant' -e 'reason: class file for org.osgi' -e '^[0-9]* warnings$' >&2)
    du -sh "$carry"
    ;;
  render)
    shift
    nvidia-smi --query-gpu=index,name,driver_version,memory.total,pcie.link.gen.current,pcie.link.width.current --format=csv || true
    nvidia-smi topo -m || true
    scenes=("$@")
    [ ${#scenes[@]} -gt 0 ] || scenes=(cornell sphere-field)
    "${java[@]}" dev.atelier.viewport.internal.trace.MultiRender render "${SIZE:-1920x1080}" "${SPP:-1024}" "${RUNS:-2}" "${scenes[@]}" \
      2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  one)
    nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv || true
    "${java[@]}" dev.atelier.viewport.internal.trace.MultiRender one "${SIZE:-640x360}" "${SPP:-64}" \
      2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2)
    ;;
  *) echo "usage: releng/gpu/multi.sh prepare|render [SCENE…]|one" >&2; exit 2 ;;
esac
