#!/usr/bin/env bash
# Several GPUs of one host (issue 19), on a multi-GPU machine kind; each case prints PASSED or FAILED lines.
#   releng/gpu/multi.sh llm [F.gguf]  there, with llm.sh's .carry (releng/gpu/llm.sh prepare here) and its 8B F16 model
#                                     (releng/gpu/llm.sh models 8b there; default $S/8b-F16.gguf): the model decoded
#                                     greedily on cuda:0 alone and split by layers over cuda:0,cuda:1 (--devices) in one
#                                     run: the generated ids must be the same; then both decode tokens/s (llm bench).
#                                     $ONE and $SPLIT change the devices (e.g. ONE=cpu SPLIT=sim:rtx4090,sim:a6000 tries
#                                     the script on a machine without GPUs)
# Files go to $S (default /tmp/atelier-llm), as llm.sh's do.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
S=${S:-/tmp/atelier-llm}
java=("$carry/jre/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
# standard error straight to the caller's file (read right after), not through a filter that may still be writing
atelier() { "${java[@]}" LlmMain llm "$@"; }
case "${1:-}" in
  llm)
    m=${2:-$S/8b-F16.gguf}
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
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
