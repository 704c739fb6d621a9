#!/usr/bin/env bash
# Several GPUs of one host (issue 19), on the multi-GPU kind (nvidia-h100-x2 or larger), side by side in one run.
#   releng/gpu/multi.sh prepare      here: releng/gpu/llm.sh prepare, whose .carry (a JRE, the jars, MultiRender, SdMulti)
#                                    every case below runs from; build first: ./mvnw -o -B clean verify -DskipTests
#   releng/gpu/multi.sh render [SCENE…]  there: each scene (default: cornell sphere-field) rendered on cuda:0 alone, then split
#                                    over the first 2 GPUs (and 4 where there are), the same seed; the images must be identical
#                                    bit for bit and the speed-up reach 1.85x on 2 cards (3.5x on 4): a PASSED or FAILED line
#                                    per case. SIZE (default 1920x1080), SPP (default 1024) and RUNS (the better of, default 2)
#                                    set the work.
#   releng/gpu/multi.sh one          there, on a host with one GPU (nvidia-h100-x1): the GPU's side of a split, over cuda:0 and
#                                    the CPU: with the bands held still, the GPU's rows equal its own render bit for bit and the
#                                    CPU's rows the CPU's; with bands moving every pass the image stays within the CPU-GPU
#                                    agreement; every lease given back. SIZE (default 640x360), SPP (default 64).
#   releng/gpu/multi.sh sd [BATCH [STEPS [DEVICES]]]  there: as atelier generate --devices runs it,
#                                    a batch of SD 1.5-shaped images (the full SD 1.5 checkpoint of formula weights, F16,
#                                    512x512; default 8 images, 20 steps) on cuda:0, then spread over DEVICES (default
#                                    cuda:0,cuda:1): images/s of each and the ratio
#                                    (goal >= 1.9), whether the images are identical; SD MULTI PASSED or FAILED. DEVICES of one
#                                    card (a one-GPU host): only whether the two cards' runs, made one after the other
#                                    on it, give the batch's images
# Files go to $S (default /tmp/atelier-multi); the machine keeps them only while it stays warm between calls.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
S=${S:-/tmp/atelier-multi}
java=("$carry/jre/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
case "${1:-}" in
  prepare)
    "$root/releng/gpu/llm.sh" prepare
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
  sd)
    nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
    mkdir -p "$S"
    "${java[@]}" dev.atelier.diffusion.internal.SdMulti "$S" "${2:-8}" "${3:-20}" "${4:-cuda:0,cuda:1}" 2>&1 | grep --line-buffered -v 'incubator'
    exit "${PIPESTATUS[0]}"
    ;;
  *) sed -n "2,$(( $(grep -n '^set -euo' "$0" | cut -d: -f1) - 1 ))p" "$0" >&2; exit 2 ;;
esac
