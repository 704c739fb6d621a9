#!/usr/bin/env bash
# The load benchmark of `atelier serve` (issue 16): a fresh workspace with the tiny LLM (llm synth) and the tiny
# pipeline, the built product's serve on a free loopback port on the CPU, then load.mjs (32 chat and 8 image clients
# by default), then one chat client's tokens/s against CHATS clients' aggregate. Prints load.mjs's JSON; exits non-zero
# when an answer was lost, duplicated or crossed. $PARALLEL: the answers the model decodes together (serve --parallel, default 4).
#   releng/serve-clients/load.sh [CHATS IMAGES ROUNDS SECONDS TOKENS]     (after ./mvnw -B verify -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/releng/serve-clients/install.sh"
atelier="$root/product/target/products/dev.atelier.product/linux/gtk/x86_64/atelier"
[ -x "$atelier" ] || { echo "load.sh: build the product first (./mvnw -B verify -DskipTests)" >&2; exit 1; }
ws=$(mktemp -d)
trap 'kill "$serve" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$ws"' EXIT
export ATELIER_WORKSPACE="$ws"
mkdir -p "$ws/models/llm" "$ws/models/checkpoints"
"$atelier" llm synth --shape tiny --type q8_0 --vocab "$root/bundles/dev.atelier.server.tests/fixture/tiny-vocab.gguf" --out "$ws/models/llm/tiny.gguf" >/dev/null
cp -r "$root/bundles/dev.atelier.diffusion.tests/fixture/tiny-sd" "$ws/models/checkpoints/"
# as many waiting requests as clients: the benchmark measures queueing, not refusals
"$atelier" serve --port 0 --device cpu --queue 64 --parallel "${PARALLEL:-4}" > "$ws/serve.out" 2> "$ws/serve.err" &
serve=$!
for _ in $(seq 600); do grep -q 'listening on' "$ws/serve.out" 2>/dev/null && break; sleep 0.2; done
address=$(sed -n 's/^atelier serve: listening on \([^ ]*\) .*/\1/p' "$ws/serve.out")
[ -n "$address" ] || { cat "$ws/serve.err" >&2; exit 1; }
echo "load.sh: $(nproc) cores, $(date -u +%F), serve at $address" >&2
node "$root/releng/serve-clients/load.mjs" "$address" tiny tiny-sd "$@"
