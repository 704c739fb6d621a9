#!/usr/bin/env bash
# Fuzzes one parser with Jazzer (docs/fuzzing.md):
#   releng/dev.atelier.fuzz/run.sh TARGET [EXECUTIONS [EXTRA LIBFUZZER/JAZZER FLAGS…]]
#   releng/dev.atelier.fuzz/run.sh list       the targets
#   releng/dev.atelier.fuzz/run.sh seeds      rewrites the seed inputs (corpus/*/seed-*)
#   releng/dev.atelier.fuzz/run.sh explain TARGET FILE…   what the parser made of each input
# Build first: ./mvnw -o -B verify -pl releng/dev.atelier.fuzz -am -DskipTests
# A run reads corpus/TARGET, keeps what it finds new in target/fuzz/TARGET/corpus, writes findings (crash-*, timeout-*,
# oom-*) and its log there, and ends after EXECUTIONS inputs (default 1000000) whatever it found.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# FUZZ_CP and FUZZ_OUT: the class path and the output folder where releng/gpu/fuzz.sh stages and runs them elsewhere
cp=${FUZZ_CP:-"$here/target/classes:$here/target/fuzz-lib/*"}
if [ -z "${FUZZ_CP:-}" ] && [ ! -d "$here/target/fuzz-lib" ]; then
  echo "run.sh: build the module first: ./mvnw -o -B verify -pl releng/dev.atelier.fuzz -am -DskipTests" >&2
  exit 2
fi
target=${1:?usage: run.sh TARGET [EXECUTIONS [FLAGS…]] | list | seeds}
case "$target" in
  list) exec "$java" -cp "$cp" dev.atelier.fuzz.Targets ;;
  seeds) exec "$java" -cp "$cp" dev.atelier.fuzz.Seeds "$here/corpus" "$root" ;;
  explain) shift; exec "$java" -cp "$cp" dev.atelier.fuzz.Explain "$@" ;;
esac
class=$("$java" -cp "$cp" dev.atelier.fuzz.Targets | awk -v t="$target" '$1 == t { print $2 }')
if [ -z "$class" ]; then
  echo "run.sh: no target '$target'; run.sh list names them" >&2
  exit 2
fi
# Coverage comes from our classes and the libraries whose parsing they drive: Gson's and EMF's for all, Jinjava's for
# templates (the sandbox lives in how Atelier configures it), Jetty's HTTP parser for raw requests.
includes='dev.atelier.**:com.google.gson.**:org.eclipse.emf.**'
# Jazzer 0.30's coverage instrumentation of JinjaTemplate's method switch (one string case per Python method) fails the
# verifier ("Expecting a stackmap frame"): that one class runs uninstrumented.
excludes=''
case "$target" in
  jinja-template) includes="$includes:com.hubspot.jinjava.**"; excludes='dev.atelier.llm.internal.engine.JinjaTemplate$PythonMethods' ;;
  server-dispatch) includes="$includes:org.eclipse.jetty.http.**" ;;
esac
includes=${FUZZ_INCLUDES:-$includes}
runs=${2:-1000000}
shift $(( $# > 1 ? 2 : 1 ))
out=${FUZZ_OUT:-"$here/target/fuzz/$target"}
mkdir -p "$out/corpus"
# Inputs become files in FUZZ_TMP (default /dev/shm, memory). -Xmx bounds a parser's memory: an input that makes it
# allocate past 1 GiB is an OOM finding. -timeout is the per-input limit past which an input is a hang; the classes the
# committed corpus loads are instrumented before it runs (atelier.fuzz.warmup), since instrumenting EMF took minutes on
# a busy 2-core machine at nice 19. slow-unit-* files (over 10 s) are kept for a look, not findings.
# --keep_going: a long run goes on past findings (each distinct one written once) to its count of executions.
exec "$java" -Xmx1g -XX:+UseSerialGC -Djava.io.tmpdir="${FUZZ_TMP:-/dev/shm}" -Datelier.fuzz.warmup="$here/corpus/$target" --enable-native-access=ALL-UNNAMED -cp "$cp" com.code_intelligence.jazzer.Jazzer \
  --target_class="$class" \
  --instrumentation_includes="$includes" ${excludes:+--instrumentation_excludes="$excludes"} \
  --custom_hook_excludes='dev.atelier.fuzz.**' \
  --keep_going=100 \
  --reproducer_path="$out" \
  -runs="$runs" -timeout=120 -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$out/" \
  "$@" "$out/corpus" "$here/corpus/$target" 2>&1 | tee "$out/log"
