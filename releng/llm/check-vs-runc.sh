#!/usr/bin/env bash
# Greedy generation on a llama2.c checkpoint, Atelier against llama2.c's own run.c, token by token.
#   releng/llm/check-vs-runc.sh LLAMA2C_CHECKOUT [MODEL.bin] [TOKENS]
# Builds run.c from a llama2.c checkout outside this repository, made to print token ids instead of text, runs both
# from BOS at temperature 0, and compares the ids. Needs gcc and the product (./mvnw -B verify -DskipTests).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
src=${1:?usage: releng/llm/check-vs-runc.sh LLAMA2C_CHECKOUT [MODEL.bin] [TOKENS]}
data=${ATELIER_TESTDATA:-$root/../shared/data}
model=${2:-$data/llm/stories260K.bin}
tokens=${3:-256}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's|safe_printf(piece); // same as printf("%s", piece), but skips "unsafe" bytes|printf("%d ", next); (void) piece;|' "$src/run.c" > "$work/run_ids.c"
grep -q 'printf("%d ", next)' "$work/run_ids.c" || { echo "run.c changed: cannot make it print ids" >&2; exit 1; }
gcc -O3 -o "$work/run_ids" "$work/run_ids.c" -lm
# run.c needs a tokenizer file only to decode; the Llama 2 one serves any vocabulary size up to 32,000.
"$work/run_ids" "$model" -z "$data/llm/tokenizer.bin" -t 0 -n $((tokens + 1)) -i "" 2>/dev/null | tr ' ' '\n' | head -n "$tokens" > "$work/runc.txt"
"$root/product/target/products/dev.atelier.product/linux/gtk/x86_64/atelier" llm generate --model "$model" --prompt-ids 1 --temperature 0 \
  --max-tokens "$tokens" --emit ids 2>/dev/null | tr ' ' '\n' | sed '/^$/d' > "$work/atelier.txt"
if cmp -s "$work/runc.txt" "$work/atelier.txt"; then
  echo "same $(wc -l < "$work/atelier.txt") token ids as run.c"
else
  echo "DIFFERENT from run.c:"; diff "$work/runc.txt" "$work/atelier.txt" | head -5; exit 1
fi
