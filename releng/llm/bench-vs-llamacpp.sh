#!/usr/bin/env bash
# Prefill and decode speed of Atelier's embedded engine against llama.cpp's llama-bench, side by side in one run, on
# the same synthetic GGUF files (Llama 3.2 1B shape, Q8_0 and Q4_0) and thread counts.
#   releng/llm/bench-vs-llamacpp.sh LLAMA_BENCH [VOCAB.gguf]
# LLAMA_BENCH is llama.cpp's llama-bench built from source outside this repository (docs/benchmarks.md says how);
# VOCAB defaults to the Llama 2 vocabulary in $ATELIER_TESTDATA. Models are written once to $BENCH_DIR
# (default /tmp/atelier-llm-bench). Needs the product built (./mvnw -B verify -DskipTests) and python3.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=${1:?usage: releng/llm/bench-vs-llamacpp.sh LLAMA_BENCH [VOCAB.gguf]}
vocab=${2:-${ATELIER_TESTDATA:-$root/../shared/data}/llm/gguf-vocab/ggml-vocab-llama-spm.gguf}
atelier=${ATELIER:-$root/product/target/products/dev.atelier.product/linux/gtk/x86_64/atelier}
dir=${BENCH_DIR:-/tmp/atelier-llm-bench}
prompt=${PROMPT_TOKENS:-64}
gen=${GEN_TOKENS:-32}
mkdir -p "$dir"
[ -x "$atelier" ] || { echo "build the product first: ./mvnw -B verify -DskipTests" >&2; exit 1; }
threads=(1 "$(nproc)")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
printf '%-8s %7s %14s %14s %7s %14s %14s %7s\n' type threads "atelier pp/s" "llama.cpp pp/s" ratio "atelier tg/s" "llama.cpp tg/s" ratio
for type in q8_0 q4_0; do
  model="$dir/synth-1b-$type.gguf"
  [ -f "$model" ] || "$atelier" llm synth --shape 1b --type "$type" --vocab "$vocab" --out "$model" >&2
  for t in "${threads[@]}"; do
    ours=$("$atelier" llm bench --model "$model" --threads "$t" --prompt-tokens "$prompt" --tokens "$gen")
    ours_pp=$(sed -n 's/^prefill pp[0-9]*: \([0-9.]*\).*/\1/p' <<<"$ours")
    ours_tg=$(sed -n 's/^decode  tg[0-9]*: \([0-9.]*\).*/\1/p' <<<"$ours")
    theirs=$("$bench" -m "$model" -t "$t" -p "$prompt" -n "$gen" -r 2 -o json 2>/dev/null)
    read -r their_pp their_tg < <(python3 -c '
import json, sys
rows = json.load(sys.stdin)
pp = next(r["avg_ts"] for r in rows if r["n_prompt"] > 0 and r["n_gen"] == 0)
tg = next(r["avg_ts"] for r in rows if r["n_gen"] > 0 and r["n_prompt"] == 0)
print(pp, tg)' <<<"$theirs")
    python3 -c "import sys; t, ty, op, tp, ot, tt = sys.argv[1:]; op, tp, ot, tt = map(float, (op, tp, ot, tt));
print(f'{ty:<8} {t:>7} {op:14.2f} {tp:14.2f} {op/tp:7.2f} {ot:14.2f} {tt:14.2f} {ot/tt:7.2f}')" "$t" "$type" "$ours_pp" "$their_pp" "$ours_tg" "$their_tg"
  done
done
