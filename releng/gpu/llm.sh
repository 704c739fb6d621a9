#!/usr/bin/env bash
# The LLM on the GPU host, side by side with llama.cpp built there with CUDA (issue 14's speed and fidelity runs).
#   releng/gpu/llm.sh prepare        here: stages .carry (a JRE, the jars, LlmMain/LlmCheck/ComputeCheck/SdCheck/SdPipelineCheck/SdMulti/MultiRender/DoctorMain), the anchors and
#                                    the vocabulary (needs ./mvnw -B verify -DskipTests first)
#   releng/gpu/llm.sh build          there: builds llama-bench, llama-quantize, llama-perplexity with CUDA (~7 min)
#   releng/gpu/llm.sh models [SHAPE…] there: random-weight Llama GGUFs of real shapes (default 1b; 8b-llama3: with Llama 3's
#                                    128k vocabulary), quantised to $TYPES
#                                    (default all but F16) once llama-quantize is built
#   (its .carry also serves releng/gpu/compute-check.sh run: every compute operation against the CPU, GEMV bandwidth)
#   releng/gpu/llm.sh check          there: GPU against CPU logits for every type (tiny256 models it writes, and the 1b-*
#                                    files present), decode against prefill (LlmCheck)
#   releng/gpu/llm.sh perplexity     there: atelier llm perplexity --device cuda:0 against llama-perplexity, per type
#   releng/gpu/llm.sh onecard [F.gguf] there: the budget capped at 24 GiB, an 8B F16 chat, a diffusion lease and a render in
#                                    one process (OneCard; default model $S/8b-F16.gguf)
#   releng/gpu/llm.sh profile MODEL   there: where a step's time goes: a bench with each kernel timed on the device
#   releng/gpu/llm.sh bench SHAPE…   there: atelier llm bench --device cuda:0 against llama-bench -ngl 99 -fa 1
#   releng/gpu/llm.sh batch [F.gguf]  there: continuous batching on $DEVICE (default cuda:0): atelier llm bench --parallel N for
#                                    each N of $PARALLEL (default 4 8 16): one answer alone, then N decoded together, their
#                                    aggregate tokens/s side by side (default model: a synthetic 1B Q8_0 it writes)
#   releng/gpu/llm.sh sd [RUNS [BATCHES]] there: the native SD engine on cuda:0 (SdCheck: the reduced SD 1.x against diffusers'
#                                    reference outputs, SD 1.5's shape against the CPU backend, its step times), then
#                                    diffusers' own SD 1.5 step times (sd_torch.py, FP16, batches as it takes them, default 1;
#                                    0: none)
#   releng/gpu/llm.sh sdpipe         there: the reduced SD 1.x/2.x/SDXL, inpainting and ControlNet 20-step images on cuda:0
#                                    against diffusers' (the CPU tests' fixtures); a LoRA and the tiled VAE against the CPU
#                                    backend; streamed weights against resident (SdPipelineCheck reduced)
#   releng/gpu/llm.sh sdfull [sd15|sdxl…] there: the real configurations (formula weights, F16): text encoders, UNet, VAE and a
#                                    20-step Euler image against diffusers' FP16 pipeline (sd_full.py), seconds per image,
#                                    the engine's high-water marks against the planner's figures
#   releng/gpu/llm.sh sdbatch        there: SD 1.5 and SDXL images/s by batch size beside diffusers' (sd_torch.py)
#   releng/gpu/llm.sh sdpeaks        there: the engine's high-water marks against the planner's sd15@/sdxl@ figures
# Files go to $S (default /tmp/atelier-llm); the machine keeps them only while it stays warm between calls.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
carry="$root/.carry"
source "$root/releng/gpu/stage-jars.sh"
S=${S:-/tmp/atelier-llm}
# The device tool carries 64 MiB a call: the Java side (.carry) and llama.cpp's side (.carry-anchors) travel in
# separate calls (build and models carry .carry-anchors, the rest .carry).
anchors="$root/.carry-anchors"
vocab="$anchors/ggml-vocab-llama-spm.gguf"
# $JAVA_OPTS: system properties for a run (e.g. -Datelier.compute.attention=wide to compare kernels on one card)
java=("$carry/jre/bin/java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$carry/lib/*:$carry/classes")
atelier() { "${java[@]}" LlmMain llm "$@" 2> >(grep -v -x 'WARNING: Using incubator modules: jdk.incubator.vector' >&2); }
types=(F16 Q8_0 Q4_0 Q4_K_M Q5_K_M Q6_K)
text="$root/docs/architecture.md"
case "${1:-}" in
  prepare)
    gpu_jars core device device.cuda device.cpu device.sim cli kernels compute llm viewport diffusion diffusion.checkpoint diffusion.engine \
      testing power
    # the device tool's 64 MiB (counted in disk blocks) hold the working tree and .carry: a runtime of only the modules
    # these entry points load (no XML, no JMX), without the optional vector-math and sorting libraries
    MODULES=java.base,java.logging,jdk.unsupported,jdk.incubator.vector stage_carry
    rm -f "$carry"/jre/lib/libjsvml.so "$carry"/jre/lib/libsimdsort.so
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 --add-modules jdk.incubator.vector -d "$carry/classes" \
      -cp "$(class_path)" "$root/releng/gpu/LlmMain.java" "$root/releng/gpu/LlmCheck.java" "$root/releng/gpu/ComputeCheck.java" \
      "$root/releng/gpu/OneCard.java" "$root/releng/gpu/SdCheck.java" "$root/releng/gpu/SdPipelineCheck.java" "$root/releng/gpu/SdMulti.java" "$root/releng/gpu/MultiRender.java" \
      "$root/releng/gpu/DoctorMain.java" \
      2> >(grep -v 'incubator' >&2)
    mkdir -p "$anchors" "$carry/data"
    cp "$root/../shared/anchors/llama.cpp-src.tar.xz" "$root/../shared/anchors/make_llama_gguf.py" "$anchors/"
    # the sd steps' diffusers side travels with .carry too: its modules and only the SD 1.x/2.x and SDXL pipelines (sdfull)
    d=$(mktemp -d) && tar -xJf "$root/../shared/anchors/diffusers-src.tar.xz" -C "$d"
    find "$d"/diffusers/src/diffusers/pipelines -mindepth 1 -maxdepth 1 -type d ! -name stable_diffusion ! -name stable_diffusion_xl -exec rm -rf {} +
    find "$d"/diffusers/src/diffusers/modular_pipelines -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
    tar -cJf "$carry/data/diffusers-models.tar.xz" -C "$d" diffusers && rm -rf "$d"
    cp "$root/../shared/anchors/sd_torch.py" "$carry/data/"
    # llama.cpp's gguf-py and the generator travel with .carry too (0.1 MiB), so that a call carrying only .carry can
    # write F16 models (onecard's 8B) without the anchors' call; quantised ones still need llama-quantize from `build`
    d=$(mktemp -d) && tar -xJf "$root/../shared/anchors/llama.cpp-src.tar.xz" -C "$d" --wildcards '*/gguf-py/*'
    tar -cJf "$carry/data/gguf-py.tar.xz" -C "$d"/* gguf-py && rm -rf "$d"
    cp "$root/../shared/anchors/make_llama_gguf.py" "$carry/data/"
    cp "$root/../shared/data/llm/gguf-vocab/ggml-vocab-llama-spm.gguf" "$carry/data/"
    cp "$root/../shared/data/llm/gguf-vocab/ggml-vocab-llama-spm.gguf" "$root/../shared/data/llm/more-vocab/ggml-vocab-llama-bpe.gguf.xz" "$anchors/"
    du -sh "$carry" "$anchors"; echo "with the working tree: $(( ($(du -sk "$carry" | cut -f1) + $(git -C "$root" ls-files -z | du -ck --files0-from=- | tail -1 | cut -f1)) / 1024 )) MiB of 64"
    ;;
  build)
    mkdir -p "$S" && { [ -d "$S/llama.cpp" ] || tar -xJf "$anchors/llama.cpp-src.tar.xz" -C "$S"; }
    cmake -S "$S/llama.cpp" -B "$S/b" -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=OFF \
      -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release > "$S/cmake.log"
    cmake --build "$S/b" --target llama-bench llama-quantize llama-perplexity -j "$(nproc)" > "$S/build.log" 2>&1 || { tail -30 "$S/build.log"; exit 1; }
    ls "$S/b/bin"
    ;;
  models)
    shift
    mkdir -p "$S"
    if [ -f "$anchors/llama.cpp-src.tar.xz" ]; then
      [ -d "$S/llama.cpp" ] || tar -xJf "$anchors/llama.cpp-src.tar.xz" -C "$S"
      py=("$S/llama.cpp/gguf-py" "$anchors/make_llama_gguf.py")
    else # a call carrying .carry: its copy of gguf-py and the generator (F16 files only, unless `build` ran on this machine)
      [ -d "$S/gguf-py" ] || tar -xJf "$carry/data/gguf-py.tar.xz" -C "$S"
      py=("$S/gguf-py" "$carry/data/make_llama_gguf.py")
      vocab="$carry/data/ggml-vocab-llama-spm.gguf"
    fi
    for shape in "${@:-1b}"; do
      f16="$S/$shape-F16.gguf"
      # SHAPE-llama3: Llama 3's 128k vocabulary (the real Llama-3-8B's), else Llama 2's 32k
      v=$vocab
      if [[ $shape == *-llama3 ]]; then
        v="$S/ggml-vocab-llama-bpe.gguf"
        [ -f "$v" ] || xz -dc "$anchors/ggml-vocab-llama-bpe.gguf.xz" > "$v"
      fi
      [ -f "$f16" ] || PYTHONPATH="${py[0]}" python3 "${py[1]}" --shape "${shape%-llama3}" --vocab "$v" --out "$f16" > /dev/null
      for t in ${TYPES:-${types[@]:1}}; do
        [ -f "$S/$shape-$t.gguf" ] || [ ! -x "$S/b/bin/llama-quantize" ] || "$S/b/bin/llama-quantize" "$f16" "$S/$shape-$t.gguf" "$t" > /dev/null 2>&1
      done
    done
    ls -la "$S"/*.gguf
    ;;
  check)
    mkdir -p "$S"
    for t in f16 bf16 q8_0 q4_0 q4_k q5_k q6_k; do
      [ -f "$S/t-$t.gguf" ] || atelier synth --shape tiny256 --type "$t" --vocab "$carry/data/ggml-vocab-llama-spm.gguf" --out "$S/t-$t.gguf" > /dev/null
      "${java[@]}" LlmCheck "$S/t-$t.gguf" cuda:0 64
    done
    for t in "${types[@]}"; do
      [ ! -f "$S/1b-$t.gguf" ] || "${java[@]}" LlmCheck "$S/1b-$t.gguf" cuda:0 64
    done
    ;;
  perplexity)
    printf '%-8s %14s %14s %9s\n' type atelier llama.cpp "diff %"
    for t in "${types[@]}"; do
      ours=$(atelier perplexity --model "$S/1b-$t.gguf" --file "$text" --ctx 512 --device cuda:0 2>/dev/null | sed -n 's/^Final estimate: PPL = \([0-9.]*\).*/\1/p')
      "$S/b/bin/llama-perplexity" -m "$S/1b-$t.gguf" -f "$text" -c 512 -ngl 99 > "$S/ppl-$t.log" 2>&1 || true
      theirs=$(grep -o 'Final estimate: PPL = [0-9.]*' "$S/ppl-$t.log" | sed 's/.*= //')
      [ -n "$theirs" ] || { echo "llama-perplexity gave no estimate for $t:" >&2; tail -5 "$S/ppl-$t.log" >&2; continue; }
      python3 -c "import sys; t, a, b = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]); print(f'{t:<8} {a:14.4f} {b:14.4f} {100*(a-b)/b:+9.3f}')" "$t" "$ours" "$theirs"
    done
    ;;
  onecard)
    "${java[@]}" OneCard "${2:-$S/8b-F16.gguf}" 24576
    ;;
  profile)
    # a bench with every launch timed on the device and captures run eagerly (CudaCompute's profile mode)
    "$carry/jre/bin/java" -Datelier.compute.profile=true "${java[@]:1}" LlmMain llm bench --model "$2" --device cuda:0 \
      --prompt-tokens 512 --tokens 128 2>&1 | grep -v -e 'incubator' -e '^INFO' -e '^[A-Z][a-z][a-z] [0-9]'
    ;;
  bench)
    shift
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    printf '%-12s %12s %12s %7s %12s %12s %7s\n' model "atelier tg" "llama.cpp tg" ratio "atelier pp" "llama.cpp pp" ratio
    for shape in "$@"; do
      for t in F16 Q8_0 Q4_K_M Q4_0; do
        m="$S/$shape-$t.gguf"
        [ -f "$m" ] || continue
        ours=$(atelier bench --model "$m" --device cuda:0 --prompt-tokens 512 --tokens 128) || { echo "$shape-$t: atelier llm bench failed"; continue; }
        ours_pp=$(sed -n 's/^prefill pp[0-9]*: \([0-9.]*\).*/\1/p' <<<"$ours")
        ours_tg=$(sed -n 's/^decode  tg[0-9]*: \([0-9.]*\).*/\1/p' <<<"$ours")
        read -r their_pp their_tg < <("$S/b/bin/llama-bench" -m "$m" -p 512 -n 128 -r 3 -ngl 99 -fa 1 -o json 2>/dev/null | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(next(r["avg_ts"] for r in rows if r["n_prompt"] > 0 and r["n_gen"] == 0), next(r["avg_ts"] for r in rows if r["n_gen"] > 0 and r["n_prompt"] == 0))')
        python3 -c "import sys; m, a, b, c, d = sys.argv[1], *map(float, sys.argv[2:]); print(f'{m:<12} {c:12.1f} {d:12.1f} {c/d:7.2f} {a:12.1f} {b:12.1f} {a/b:7.2f}')" \
          "$shape-$t" "$ours_pp" "$their_pp" "$ours_tg" "$their_tg"
        sed -n 's/^memory: /             /p' <<<"$ours"
      done
    done
    ;;
  batch)
    mkdir -p "$S"
    m=${2:-$S/synth-1b-q8_0.gguf}
    [ -f "$m" ] || atelier synth --shape 1b --type q8_0 --vocab "$carry/data/ggml-vocab-llama-spm.gguf" --out "$m" > /dev/null
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || nproc
    for n in ${PARALLEL:-4 8 16}; do
      atelier bench --model "$m" --device "${DEVICE:-cuda:0}" --prompt-tokens 32 --tokens 128 --parallel "$n" | grep -e '^model' -e '^batched' -e '^memory'
    done
    ;;
  sd)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    mkdir -p "$S"
    "${java[@]}" SdCheck "$root/bundles/dev.atelier.diffusion.engine.tests/reference" "$S" "${2:-10}" 2>&1 | grep --line-buffered -v 'incubator' || status=$?
    [ -d "$S/diffusers" ] || tar -xJf "$carry/data/diffusers-models.tar.xz" -C "$S"
    [ "${3:-1}" = 0 ] || PYTHONPATH="$S/diffusers/src" python3 "$carry/data/sd_torch.py" --model sd15 --batches "${3:-1}" 2>&1 | grep -v -i warn
    exit "${status:-0}"
    ;;
  sdpipe)
    # the reduced checkpoints' pipelines on cuda:0 against diffusers' images and the CPU backend (SdPipelineCheck reduced)
    "${java[@]}" SdPipelineCheck reduced "$root/bundles/dev.atelier.diffusion.tests/fixture" "$root/bundles/dev.atelier.diffusion.engine.tests/reference" \
      "$S/pipelines" 2>&1 | grep --line-buffered -v 'incubator'
    ;;
  sdfull)
    # the real SD 1.5 / SDXL configurations: the file (formula weights, F16), diffusers' FP16 outputs and pipeline image
    # (sd_full.py), then the engine against them with its time per image and high-water marks (SdPipelineCheck full)
    shift
    runs=${RUNS:-3}
    [ -d "$S/diffusers" ] || tar -xJf "$carry/data/diffusers-models.tar.xz" -C "$S"
    mkdir -p "$S/testdata/clip" && cp "$root/bundles/dev.atelier.diffusion/src/dev/atelier/diffusion/internal/pipeline/bpe_simple_vocab_16e6.txt.gz" "$S/testdata/clip/"
    families=("$@")
    [ $# -gt 0 ] || families=(sd15 sdxl)
    for family in "${families[@]}"; do
      file="$S/$family-full-F16${GAIN:+-gain$GAIN}.safetensors"
      [ -f "$file" ] || "${java[@]}" SdPipelineCheck write "$family" "$file" ${GAIN:-} 2>&1 | grep -v 'incubator'
      PYTHONPATH="$S/diffusers/src:$root/releng/diffusion" python3 "$root/releng/gpu/sd_full.py" --family "$family" --checkpoint "$file" \
        --out "$S/full-$family${GAIN:+-gain$GAIN}" --testdata "$S/testdata" 2>&1 | grep -v -i -e warn -e 'randn' -e nnpack || { echo "sd_full.py failed for $family"; status=1; continue; }
      "${java[@]}" SdPipelineCheck full "$family" "$file" "$S/full-$family${GAIN:+-gain$GAIN}" "$runs" 2>&1 | grep --line-buffered -v 'incubator' || status=$?
      [ -z "${OUT:-}" ] || cp "$S/full-$family${GAIN:+-gain$GAIN}/pipeline.png" "$OUT/$family${GAIN:+-gain$GAIN}-diffusers.png" 2>/dev/null; [ -z "${OUT:-}" ] || cp "$S/full-$family${GAIN:+-gain$GAIN}/atelier.png" "$OUT/$family${GAIN:+-gain$GAIN}-atelier.png" 2>/dev/null || true
    done
    exit "${status:-0}"
    ;;
  sdbatch|sdpeaks)
    # sdbatch: images/s at batches 1-16 (SD 1.5) and 1, 4 (SDXL) beside diffusers' (sd_torch.py) in the same call;
    # sdpeaks: the engine's high-water marks against the planner's figures (SdPipelineCheck batches / peaks)
    mkdir -p "$S"
    [ "$1" = sdpeaks ] || [ -d "$S/diffusers" ] || tar -xJf "$carry/data/diffusers-models.tar.xz" -C "$S"
    for family in ${FAMILIES:-sd15 sdxl}; do
      [ -f "$S/$family.safetensors" ] || "${java[@]}" SdPipelineCheck write "$family" "$S/$family.safetensors" 2>&1 | grep -v 'incubator'
      if [ "$1" = sdpeaks ]; then
        "${java[@]}" SdPipelineCheck peaks "$family" "$S/$family.safetensors" 2>&1 | grep -v 'incubator' || status=1
      else
        "${java[@]}" SdPipelineCheck batches "$family" "$S/$family.safetensors" "$([ "$family" = sd15 ] && echo 1,4,8,16 || echo 1,4)" 2>&1 | grep -v 'incubator'
        PYTHONPATH="$S/diffusers/src" python3 "$carry/data/sd_torch.py" --model "$family" --batches "$([ "$family" = sd15 ] && echo 1,8,16 || echo 1,4)" 2>&1 | grep -v -i warn
      fi
    done
    exit "${status:-0}"
    ;;
  *) sed -n '2,32p' "$0" >&2; exit 2 ;;
esac
