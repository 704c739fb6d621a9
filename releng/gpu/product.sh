#!/usr/bin/env bash
# The CLI's GPU paths through the real headless product on the GPU host (issue 16: verified there, not only through
# releng/gpu's entry points). The unpacked product (58 MiB) does not fit the device tool beside the working tree; its
# archive (39 MiB) does.
#   releng/gpu/product.sh prepare   here: copies the headless archive (build it first: ./mvnw -o -B verify -DskipTests)
#                                   and a vocabulary into .carry-product/ (the reduced SD 1.x checkpoint is written there)
#   releng/gpu/product.sh run       there (carry .carry-product): unpacks it, then devices, doctor, an LLM bench, a
#                                   render and an image on cuda:0, each as a user types it; exits non-zero on a failure
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry-product"
S=${S:-/tmp/atelier-product}
case "${1:-}" in
  prepare)
    rm -rf "$carry" && mkdir -p "$carry"
    cp "$root"/product/target/products/atelier-headless-*-linux-x86_64.tar.gz "$carry/"
    cp "$root/../shared/data/llm/gguf-vocab/ggml-vocab-llama-spm.gguf" "$carry/"
    du -sh "$carry"
    echo "with the working tree: $(( ($(du -sk "$carry" | cut -f1) + $(git -C "$root" ls-files -z | du -ck --files0-from=- | tail -1 | cut -f1)) / 1024 )) MiB of 64"
    ;;
  run)
    mkdir -p "$S" && rm -rf "$S/atelier" && mkdir "$S/atelier"
    tar -xzf "$carry"/atelier-headless-*-linux-x86_64.tar.gz -C "$S/atelier"
    atelier=$(find "$S/atelier" -maxdepth 2 -name atelier -type f -perm -u+x | head -1)
    # the reduced SD 1.x of the engine's reference outputs (formula weights; torch and safetensors are there)
    python3 "$root/releng/diffusion/make_engine_reference.py" --family sd1 --save "$S" --checkpoint-only
    export ATELIER_WORKSPACE="$S/ws"
    failed=()
    step() { echo "== atelier $*"; "$atelier" "$@" || failed+=("$*"); }
    step devices
    step doctor
    step llm synth --shape 1b --type q4_k --vocab "$carry/ggml-vocab-llama-spm.gguf" --out "$S/1b-q4_k.gguf"
    step llm bench --model "$S/1b-q4_k.gguf" --device cuda:0 --prompt-tokens 512 --tokens 128
    step render --scene cornell --device cuda:0 --size 512x512 --spp 64 --out "$S/cornell.png"
    step generate --model "$S/tiny-sd1-f16.safetensors" --prompt "a red cube" --size 64x64 --steps 8 --seed 1 --device cuda:0 --out "$S/images"
    ls -la "$S"/*.png "$S"/images 2>/dev/null || true
    [ ${#failed[@]} -eq 0 ] || { printf 'FAILED: %s\n' "${failed[@]}"; exit 1; }
    echo "PRODUCT CHECK PASSED"
    ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
