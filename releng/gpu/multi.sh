#!/usr/bin/env bash
# Several GPUs of one host (issue 19), on a multi-GPU kind (nvidia-h100-x2 or larger).
#   releng/gpu/multi.sh sd [BATCH [STEPS [DEVICES]]]  there, after releng/gpu/llm.sh prepare here (its .carry holds SdMulti):
#                                    a batch of SD 1.5-shaped images (the full SD 1.5 checkpoint of formula weights, F16,
#                                    512x512; default 8 images, 20 steps) on cuda:0, then spread over DEVICES (default
#                                    cuda:0,cuda:1) as atelier generate --devices runs it: images/s of each and the ratio
#                                    (goal >= 1.9), whether the images are identical; SD MULTI PASSED or FAILED. DEVICES of one
#                                    card (a one-GPU host): only whether the two cards' runs, made one after the other
#                                    on it, give the batch's images
# Files go to $S (default /tmp/atelier-multi); the machine keeps them only while it stays warm between calls.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
S=${S:-/tmp/atelier-multi}
java=("$carry/jre/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
case "${1:-}" in
  sd)
    nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
    mkdir -p "$S"
    "${java[@]}" dev.atelier.diffusion.internal.SdMulti "$S" "${2:-8}" "${3:-20}" "${4:-cuda:0,cuda:1}" 2>&1 | grep --line-buffered -v 'incubator'
    exit "${PIPESTATUS[0]}"
    ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
