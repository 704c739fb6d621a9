#!/usr/bin/env bash
# Perplexity of Atelier's CPU engine (`atelier llm perplexity`) against llama.cpp's llama-perplexity on the same GGUF
# files and text: a random-weight Llama of make_llama_gguf.py's tiny shape (F16), converted and quantised by
# llama-quantize (--pure for the single-type formats; Q4_K_M and Q5_K_M are llama-quantize's own mixes of K types).
#   releng/llm/perplexity-vs-llamacpp.sh [LLAMA_BUILD_DIR]
# LLAMA_BUILD_DIR holds bin/llama-perplexity and bin/llama-quantize; without it llama.cpp is built (CPU only) from
# $ANCHORS/llama.cpp-src.tar.xz into $PPL_DIR. Environment (defaults): ANCHORS (../shared/anchors beside the
# repository), VOCAB (the Llama 2 SentencePiece vocabulary in $ATELIER_TESTDATA), TEXT (README.md and
# docs/architecture.md of this repository), CTX (128), STD (0.15, the weights' standard deviation: wide enough
# that the logits have winners), TYPES ("F32 F16 Q8_0 Q4_0 Q4_K_M Q5_K_M Q6_K"), THREADS (all cores), PPL_DIR (/tmp/atelier-llm-ppl),
# ATELIER (the built product's launcher). Needs python3 with numpy, cmake and a C++ compiler to build llama.cpp.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
anchors=${ANCHORS:-$root/../shared/anchors}
vocab=${VOCAB:-${ATELIER_TESTDATA:-$root/../shared/data}/llm/gguf-vocab/ggml-vocab-llama-spm.gguf}
ctx=${CTX:-128}
std=${STD:-0.15}
types=${TYPES:-F32 F16 Q8_0 Q4_0 Q4_K_M Q5_K_M Q6_K}
threads=${THREADS:-$(nproc)}
dir=${PPL_DIR:-/tmp/atelier-llm-ppl}
atelier=${ATELIER:-$root/product/target/products/dev.atelier.product/linux/gtk/x86_64/atelier}
[ -x "$atelier" ] || { echo "build the product first (./mvnw -B verify -DskipTests) or set ATELIER" >&2; exit 1; }
mkdir -p "$dir"

src="$dir/llama.cpp"
[ -d "$src" ] || tar -xJf "$anchors/llama.cpp-src.tar.xz" -C "$dir"
build=${1:-}
if [ -z "$build" ]; then
  build="$dir/build"
  if [ ! -x "$build/bin/llama-perplexity" ] || [ ! -x "$build/bin/llama-quantize" ]; then
    cmake -S "$src" -B "$build" -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$build" --target llama-perplexity llama-quantize -j "$(nproc)" >&2
  fi
fi

text="$dir/text.txt"
if [ -n "${TEXT:-}" ]; then cp "$TEXT" "$text"; else cat "$root/README.md" "$root/docs/architecture.md" > "$text"; fi

f16="$dir/tiny-std$std-F16.gguf"
[ -f "$f16" ] || PYTHONPATH="$src/gguf-py" python3 "$anchors/make_llama_gguf.py" --shape tiny --std "$std" --vocab "$vocab" --out "$f16" >&2

final() { sed -n 's/.*Final estimate: PPL = \([0-9.]*\) +\/- \([0-9.]*\).*/\1 \2/p' | tail -1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F); $threads threads"
echo "text: $(wc -c < "$text") bytes; --ctx $ctx; model: make_llama_gguf.py --shape tiny --std $std, vocabulary $(basename "$vocab")"
printf '%-7s %22s %22s %9s\n' type "atelier PPL" "llama.cpp PPL" ratio
for type in $types; do
  model="$dir/tiny-std$std-$type.gguf"
  if [ "$type" != F16 ] && [ ! -f "$model" ]; then
    case $type in *_M | *_S) pure=() ;; *) pure=(--pure) ;; esac
    "$build/bin/llama-quantize" "${pure[@]}" "$f16" "$model" "$type" "$threads" > "$dir/quantize-$type.log" 2>&1
  fi
  ours=$("$atelier" llm perplexity --model "$model" --file "$text" --ctx "$ctx" --threads "$threads" 2>"$dir/atelier-$type.log" | final)
  theirs=$("$build/bin/llama-perplexity" -m "$model" -f "$text" -c "$ctx" -t "$threads" 2>&1 | tee "$dir/llama-$type.log" | final)
  python3 -c "import sys; ty, o, oe, t, te = sys.argv[1:]; print(f'{ty:<7} {float(o):12.4f} ± {float(oe):7.4f} {float(t):12.4f} ± {float(te):7.4f} {float(o)/float(t):9.5f}')" \
    "$type" $ours $theirs
done

# The quantised files against the F16 one: mean KL divergence and top-1 agreement, ours (--base) and llama.cpp's
# (--kl-divergence-base, whose base log-probabilities are stored in 16 bits and cut below e^-16).
"$build/bin/llama-perplexity" -m "$f16" -f "$text" -c "$ctx" -t "$threads" --kl-divergence-base "$dir/f16.kld" > "$dir/llama-kld-base.log" 2>&1
printf '%-7s %24s %24s %18s %18s\n' type "atelier KLD" "llama.cpp KLD" "atelier same top" "llama.cpp same top"
for type in $types; do
  [ "$type" = F16 ] && continue
  model="$dir/tiny-std$std-$type.gguf"
  ours=$("$atelier" llm perplexity --model "$model" --base "$f16" --file "$text" --ctx "$ctx" --threads "$threads" 2>>"$dir/atelier-$type.log")
  theirs=$("$build/bin/llama-perplexity" -m "$model" -c "$ctx" -t "$threads" --kl-divergence-base "$dir/f16.kld" --kl-divergence 2>&1 | tee "$dir/llama-kld-$type.log")
  okld=$(sed -n 's/^Mean KLD = \(-\{0,1\}[0-9.]*\) +\/- \([0-9.]*\)$/\1 ± \2/p' <<<"$ours")
  otop=$(sed -n 's/^Same top = \([0-9.]*\) +\/- \([0-9.]*\) %$/\1 ± \2 %/p' <<<"$ours")
  tkld=$(sed -n 's/.*Mean    KLD: *\([0-9.]*\) ± *\([0-9.]*\).*/\1 ± \2/p' <<<"$theirs")
  ttop=$(sed -n 's/.*Same top p: *\([0-9.]*\) ± *\([0-9.]*\) %.*/\1 ± \2 %/p' <<<"$theirs")
  printf '%-7s %24s %24s %18s %18s\n' "$type" "$okld" "$tkld" "$otop" "$ttop"
done
