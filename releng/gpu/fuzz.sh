#!/usr/bin/env bash
# Every fuzz target of releng/dev.atelier.fuzz to 1 M inputs, in parallel on the GPU host's CPU cores (docs/fuzzing.md).
#   releng/gpu/fuzz.sh prepare        here: stages a JRE of the modules the targets and Jazzer load and the jars they load,
#                                     as a tar split into .carry-fuzz-1, .carry-fuzz-2, … (a runtime with java.desktop,
#                                     which Jinja templates need, and the jars pass the device tool's 64 MiB a call)
#                                     (needs ./mvnw -o -B verify -pl releng/dev.atelier.fuzz -am -DskipTests first)
#   releng/gpu/fuzz.sh receive        there, once per part, each call carrying one .carry-fuzz-N: keeps the part in $S
#   releng/gpu/fuzz.sh run [SECONDS [TARGET…]]
#                                     there: every target (or those named), one process each, nproc at a time, each toward
#                                     1 M inputs for at most SECONDS (default 540; a call may run 600 s). A later call
#                                     while the machine is warm goes on from the corpus and counts of the earlier ones.
#   releng/gpu/fuzz.sh report [DIR]   there: the table for docs/fuzzing.md; with DIR (e.g. $OUT) the logs and findings
#                                     (crash-*, timeout-*, oom-*, with their Java reproducers) are copied there
# Files go to $S (default /tmp/atelier-fuzz); the machine keeps them only while it stays warm between calls.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fuzz="$root/releng/dev.atelier.fuzz"
S=${S:-/tmp/atelier-fuzz}
carry="$S/runtime"
PART=44m
GOAL=${GOAL:-1000000}
targets() { "$carry/jre/bin/java" -cp "$carry/lib/*" dev.atelier.fuzz.Targets | cut -d' ' -f1; }

# The slower parsers (fewest inputs a CPU second, docs/fuzzing.md) run as several processes, each with its own corpus.
COPIES=${COPIES:-jinja-template:6 workspace-xmi:3 job-record-xmi:3 diffusers-folder:2 server-dispatch:2 gltf:2 glb:2}

# Instance $1 (TARGET/N of K) for at most $2 seconds, with its share of the inputs left to the goal; each call's log
# and count are kept in $S/TARGET/N.
run_one() {
  local t=${1%%/*} rest=${1#*/} secs=$2 i k d done left n
  i=${rest%%/*}; k=${rest#*/}; d="$S/$t/$i"
  mkdir -p "$d"
  done=$(cat "$S/$t"/*/executed-* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
  left=$(( (GOAL - done + k - 1) / k ))
  [ "$left" -gt 0 ] || return 0
  n=$(find "$d" -maxdepth 1 -name 'log-*' | wc -l)
  FUZZ_OUT="$d" FUZZ_CP="$carry/lib/*" JAVA_HOME="$carry/jre" "$fuzz/run.sh" "$t" "$left" -max_total_time="$secs" > /dev/null 2>&1 || true
  mv "$d/log" "$d/log-$n"
  sed -n 's/^stat::number_of_executed_units: *//p' "$d/log-$n" > "$d/executed-$n"
}

# TARGET/N/K for each process of each target named (all when none is).
instances() {
  { if [ $# -gt 0 ]; then printf '%s\n' "$@"; else targets; fi; } | while read -r t; do
    k=$(tr ' ' '\n' <<<"$COPIES" | sed -n "s/^$t:\([0-9]*\)$/\1/p")
    for i in $(seq 1 "${k:-1}"); do echo "$t/$i/${k:-1}"; done
  done
}

case "${1:-}" in
  prepare)
    jar=("$fuzz"/target/dev.atelier.fuzz-*.jar)
    [ -f "${jar[0]}" ] && [ -d "$fuzz/target/fuzz-lib" ] || { echo "fuzz.sh: build first: ./mvnw -o -B verify -pl releng/dev.atelier.fuzz -am -DskipTests" >&2; exit 2; }
    # What the targets load, from their corpus replayed with class loading logged: their jars and the JDK's modules.
    loaded=$(mktemp)
    for t in $("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -cp "$fuzz/target/classes:$fuzz/target/fuzz-lib/*" dev.atelier.fuzz.Targets | cut -d' ' -f1); do
      "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -Xlog:class+load=info:file="$loaded.$t" --enable-native-access=ALL-UNNAMED \
        -cp "${jar[0]}:$fuzz/target/fuzz-lib/*" dev.atelier.fuzz.Explain "$t" "$fuzz/corpus/$t"/* > /dev/null 2>&1 || true
    done
    cat "$loaded".* > "$loaded"; rm -f "$loaded".*
    jars=("${jar[0]}" "$fuzz"/target/fuzz-lib/jazzer-[0-9]*.jar "$fuzz"/target/fuzz-lib/jazzer-api-*.jar)
    while read -r j; do jars+=("$j"); done < <(grep -o 'source: file:[^ ]*\.jar' "$loaded" | sed 's/^source: file://' | grep '/fuzz-lib/' | sort -u)
    # Jazzer's agent attaches itself (java.instrument, jdk.attach) and reads the process's id (java.management); locale
    # data, JFR and jdk.net, which the JDK loads on its own, are left out for room
    modules=$( { grep -o 'source: jrt:/[a-z.]*' "$loaded" | sed 's|^source: jrt:/||'; echo java.instrument jdk.attach java.management jdk.management jdk.unsupported; } \
      | tr ' ' '\n' | grep -v -x -e jdk.localedata -e jdk.jfr -e jdk.management.jfr -e jdk.net | sort -u | paste -sd, -)
    rm -f "$loaded"
    echo "modules: $modules"
    stage=$(mktemp -d)
    rm -rf "$stage" "$root"/.carry-fuzz-[0-9]*
    MODULES=$modules "$root/../shared/device/stage.sh" "$stage" "${jars[@]}"
    # stage.sh's stripping of other platforms' natives from big jars matches class names too ("Throwing" holds "win"):
    # Jazzer's jar again, without only its other platforms' drivers
    cp "$fuzz"/target/fuzz-lib/jazzer-[0-9]*.jar "$stage/lib/"
    zip -q -d "$stage"/lib/jazzer-[0-9]*.jar 'com/code_intelligence/jazzer/driver/*macos*' 'com/code_intelligence/jazzer/driver/*windows*' \
      'com/code_intelligence/jazzer/driver/*aarch64*'
    mkdir -p "$stage/parts"
    tar -C "$stage" -cf - jre lib | split -b "$PART" -d - "$stage/parts/runtime.tar."
    n=$(ls "$stage/parts" | wc -l)
    i=1
    for part in "$stage"/parts/*; do
      mkdir -p "$root/.carry-fuzz-$i"
      mv "$part" "$root/.carry-fuzz-$i/"
      echo "$n" > "$root/.carry-fuzz-$i/parts"
      i=$(( i + 1 ))
    done
    rm -rf "$stage"
    du -sh "$root"/.carry-fuzz-[0-9]*
    echo "each with the working tree ($(( $(git -C "$root" ls-files -z | du -ck --files0-from=- | tail -1 | cut -f1) / 1024 )) MiB) under 64 MiB: one call a part, 'fuzz.sh receive' carrying .carry-fuzz-1, …, .carry-fuzz-$n"
    ;;
  receive)
    mkdir -p "$S/parts"
    for d in "$root"/.carry-fuzz-[0-9]*/; do
      [ -d "$d" ] && cp "$d"/runtime.tar.* "$S/parts/" && cp "$d/parts" "$S/parts/count"
    done
    echo "$(ls "$S/parts" | grep -c runtime.tar) of $(cat "$S/parts/count" 2>/dev/null || echo '?') parts here"
    ;;
  run)
    if [ ! -x "$carry/jre/bin/java" ]; then
      have=$(ls "$S/parts" 2>/dev/null | grep -c runtime.tar || true)
      [ -f "$S/parts/count" ] && [ "$have" = "$(cat "$S/parts/count")" ] || { echo "fuzz.sh: $have parts here: run 'fuzz.sh receive' with each .carry-fuzz-N first" >&2; exit 2; }
      mkdir -p "$carry" && cat "$S"/parts/runtime.tar.* | tar -x -C "$carry"
    fi
    secs=${2:-540}
    shift $(( $# > 1 ? 2 : 1 ))
    mkdir -p "$S"
    echo "$(nproc) cores; $(free -g | awk '/^Mem/ { print $2 }') GiB; each target toward $GOAL inputs for at most $secs s (copies: $COPIES)"
    export -f run_one
    export S GOAL carry fuzz
    # all at once, a few more processes than cores at first: the fast parsers reach the goal in minutes and free theirs
    instances "$@" > "$S/instances"
    xargs -P "$(wc -l < "$S/instances")" -I{} bash -c 'run_one "$1" "$2"' _ {} "$secs" < "$S/instances"
    "$0" report
    ;;
  report)
    printf '| target | inputs run | fuzzing time | inputs/s | cov / ft (process 1) | corpus (process 1) | findings |\n| --- | ---: | ---: | ---: | --- | ---: | --- |\n'
    for d in "$S"/*/; do
      t=$(basename "$d")
      case "$t" in parts | runtime) continue ;; esac
      runs=$(cat "$d"*/executed-* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
      # fuzzing time: the longest process's (they run side by side); the rate counts them all
      secs=$(for i in "$d"*/; do cat "$i"log-* 2>/dev/null | sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' | awk '{ s += $1 } END { print s + 0 }'; done | sort -n | tail -1)
      secs=${secs:-0}
      last=$(cat "$d"1/log-* 2>/dev/null | grep -a -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' | tail -1 || true)
      cov=$(sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \/ \2/p' <<<"$last")
      corp=$(sed -n 's/.*corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
      found=$(find "$d" -mindepth 2 -maxdepth 2 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
      printf '| %s | %s | %s s | %s | %s | %s | %s |\n' "$t" "$runs" "$secs" "$(( secs > 0 ? runs / secs : 0 ))" "${cov:-?}" "${corp:-?}" "$found"
    done
    if [ -n "${2:-}" ]; then
      for d in "$S"/*/; do
        case "$(basename "$d")" in parts | runtime) continue ;; esac
        for i in "$d"*/; do
          mkdir -p "$2/$(basename "$d")/$(basename "$i")"
          find "$i" -maxdepth 1 -type f \( -name 'log-*' -o -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name '*.java' \) \
            -exec cp {} "$2/$(basename "$d")/$(basename "$i")/" \;
        done
      done
    fi
    ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
