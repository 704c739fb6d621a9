#!/usr/bin/env bash
# Refreshes the README's screenshots in docs/img from the current workbench: runs the UI tests that capture them
# (under Xvfb, at the size the README shows) and copies what they saved. Run from the repository root, after
# `./mvnw install` or with the bundles built; needs xvfb-run and $ATELIER_TESTDATA (../shared/data by default).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export ATELIER_TESTDATA=${ATELIER_TESTDATA:-$root/../shared/data}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# screenshot in docs/img <- the test bundle and the file its test saves (into <bundle>/target/screenshots)
declare -A shots=(
  [workbench.png]=dev.atelier.ui.tests/workbench.png
  [devices.png]=dev.atelier.device.ui.tests/devices.png
  [power.png]=dev.atelier.power.ui.tests/power.png
  [diffusion.png]=dev.atelier.diffusion.ui.tests/generate-end-to-end.png
  [viewport.png]=dev.atelier.viewport.ui.tests/viewport.png
  [benchmarks.png]=dev.atelier.bench.ui.tests/benchmarks.png
)
modules=$(for source in "${shots[@]}"; do echo "bundles/${source%%/*}"; done | sort -u | paste -sd,)
# the tests of the tiny pipeline and the LLM need the CPU and simulated devices; the workbench's, its UI feature
xvfb-run -a -s "-screen 0 1600x1000x24" ./mvnw -o -B clean verify \
  -pl "$modules",bundles/dev.atelier.device.cpu,bundles/dev.atelier.device.sim,features/dev.atelier.ui.feature,features/dev.atelier.platform.feature -am
for shot in "${!shots[@]}"; do
  source=${shots[$shot]}
  saved="bundles/${source%%/*}/target/screenshots/${source#*/}"
  [ -f "$saved" ] || { echo "screenshots: $saved was not saved by its test" >&2; exit 1; }
  cp "$saved" "docs/img/$shot"
  echo "docs/img/$shot <- $saved"
done
