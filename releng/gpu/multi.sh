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
#   releng/gpu/multi.sh llm [F.gguf]  there, with llm.sh's .carry (releng/gpu/llm.sh prepare here) and its 8B F16 model
#                                     (releng/gpu/llm.sh models 8b there; default /tmp/atelier-llm/8b-F16.gguf): the model decoded
#                                     greedily on cuda:0 alone and split by layers over cuda:0,cuda:1 (--devices) in one
#                                     run: the generated ids must be the same; then both decode tokens/s (llm bench).
#                                     $ONE and $SPLIT change the devices (e.g. ONE=cpu SPLIT=sim:rtx4090,sim:a6000 tries
#                                     the script on a machine without GPUs)
# Files go to $S (default /tmp/atelier-multi); the machine keeps them only while it stays warm between calls.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
S=${S:-/tmp/atelier-multi}
java=("$carry/jre/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
# standard error straight to the caller's file (read right after), not through a filter that may still be writing
atelier() { "${java[@]}" LlmMain llm "$@"; }
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
  llm)
    m=${2:-/tmp/atelier-llm/8b-F16.gguf}
    [ -f "$m" ] || { echo "multi.sh llm: $m is missing: run releng/gpu/llm.sh models 8b first" >&2; exit 2; }
    one_dev=${ONE:-cuda:0}
    split_dev=${SPLIT:-cuda:0,cuda:1}
    nvidia-smi --query-gpu=index,name,memory.total,memory.used --format=csv,noheader 2>/dev/null || echo "no nvidia-smi here"
    mkdir -p "$S"
    # the tokens: greedy, so any difference is the split's
    prompt="1 450 4996 310 3303 338 263 2217 310 278 4799 29889"
    one=$(atelier generate --model "$m" --prompt-ids "$prompt" --emit ids --max-tokens 64 --device "$one_dev" 2> "$S/multi-llm-one.err") || true
    two=$(atelier generate --model "$m" --prompt-ids "$prompt" --emit ids --max-tokens 64 --devices "$split_dev" 2> "$S/multi-llm-two.err") || true
    grep -h -e 'split across' -e 'tokens/s on' "$S/multi-llm-one.err" "$S/multi-llm-two.err" || true
    status=0
    if [ -n "$one" ] && [ "$one" = "$two" ]; then
      echo "PASSED llm split: the same $(wc -w <<<"$one") tokens on $one_dev and split over $split_dev"
    else
      echo "FAILED llm split: $one_dev gave [$one], $split_dev [$two]"; tail -5 "$S/multi-llm-one.err" "$S/multi-llm-two.err"
      status=1
    fi
    # the speeds: llm bench's warmed decode, one card against the split
    for where in "--device $one_dev" "--devices $split_dev"; do
      # shellcheck disable=SC2086 # the option and its value
      out=$(atelier bench --model "$m" $where --prompt-tokens 512 --tokens 128 2>/dev/null) || { echo "FAILED llm bench $where"; status=1; continue; }
      printf '%-26s %s | %s\n' "$where" "$(sed -n 's/^decode  tg[0-9]*: //p' <<<"$out")" "$(sed -n 's/^prefill \(pp[0-9]*\): \([0-9.]* tokens\/s\).*/\1 \2/p' <<<"$out")"
      sed -n 's/^model /  on: /p; s/^memory: /  memory: /p' <<<"$out"
    done
    exit "$status"
    ;;
  *) sed -n "2,$(( $(grep -n '^set -euo' "$0" | cut -d: -f1) - 1 ))p" "$0" >&2; exit 2 ;;
esac
