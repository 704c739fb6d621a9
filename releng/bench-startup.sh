#!/usr/bin/env bash
# Start-up time of the headless runtime: `atelier --version` and `atelier info`, N runs each after one warm-up,
# on the built product (./atelier builds it when missing). Prints min / median / max in seconds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-10}
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
"$root/atelier" --workspace "$ws" --version >/dev/null
for args in "--version" "info"; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$root/atelier" --workspace "$ws" $args >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf 'atelier %-9s runs=%d  min=%.3f s  median=%.3f s  max=%.3f s\n' "$args" "$runs" \
    "$(echo "$sorted" | head -n1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" "$(echo "$sorted" | tail -n1)"
done
