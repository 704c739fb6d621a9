#!/usr/bin/env bash
# The Viewport's path tracing on a CUDA GPU, with ViewportCudaCheck.java (no OSGi, no display).
#   releng/gpu/viewport.sh prepare [DIR]  here: compiles the check against the built bundles and stages a JRE (with
#                                  java.desktop, for ImageIO), the jars and this script into DIR (.carry/ by default;
#                                  build first: ./mvnw -B -o -q verify -DskipTests -pl bundles/dev.atelier.viewport.ui,
#                                  bundles/dev.atelier.device.cuda,bundles/dev.atelier.device.cpu -am)
#   releng/gpu/viewport.sh run     on the GPU host (.carry/viewport.sh run); dry: here, the CPU standing in for CUDA
# The device tool sends the session's checkout (and carries its ignored .carry/): prepare in that checkout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -x "$here/jre/bin/java" ]; then carry=$here; else carry="$root/.carry"; fi
jars() {
  for b in core device device.cuda device.cpu cli kernels viewport viewport.ui; do
    ls "$root"/bundles/dev.atelier.$b/target/dev.atelier.$b-*[0-9T].jar
  done
  echo "$HOME/.m2/repository/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar"
  echo "$HOME/.m2/repository/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar"
  echo "$HOME/.m2/repository/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar"
  echo "$HOME/.m2/repository/org/joml/joml/1.10.8/joml-1.10.8.jar"
}
case "${1:-}" in
  prepare)
    mapfile -t list < <(jars)
    carry=$(mkdir -p "${2:-$root/.carry}" && cd "${2:-$root/.carry}" && pwd)
    rm -rf "$carry/lib" "$carry/classes"
    MODULES=${MODULES:-java.base,java.desktop,java.logging,jdk.unsupported,jdk.incubator.vector} \
      "${SHARED_DEVICE:-$root/../shared/device}/stage.sh" "$carry" "${list[@]}"
    zip -q -d "$carry"/lib/jcuda-natives-*.jar 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' 'lib/libJCudaRuntime*'
    # java.desktop is there for ImageIO's PNG writer, headless: fonts, the X11 toolkit, colour management, JPEG and the
    # splash screen are not needed, and the folder must stay under the 64 MiB the device tool carries
    rm -f "$carry"/jre/lib/{libfontmanager,libfreetype,libsplashscreen,libawt_xawt,liblcms,libjavajpeg}.so
    mkdir -p "$carry/classes"
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 25 -nowarn -d "$carry/classes" -cp "$(IFS=:; echo "${list[*]}")" \
      "$root/releng/gpu/ViewportCudaCheck.java" 2>&1 | grep -v -e '^warning: unknown enum constant' -e '^  reason: class file for org.osgi' -e 'warnings\?$' || true
    cp "$root/releng/gpu/viewport.sh" "$carry/"
    du -sh "$carry"
    ;;
  run|dry)
    [ "$1" = dry ] || nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
    "$carry/jre/bin/java" -Djava.awt.headless=true --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
      -cp "$carry/lib/*:$carry/classes" dev.atelier.viewport.ui.internal.ViewportCudaCheck "$1"
    ;;
  *) echo "usage: releng/gpu/viewport.sh prepare [DIR]|run|dry" >&2; exit 2 ;;
esac
