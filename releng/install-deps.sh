#!/usr/bin/env bash
# Installs the Debian 12 packages a fresh machine lacks to build Atelier, run it and run its tests:
# Debian's Maven (only to fetch the pinned Maven, see mvnw), binutils (strip, for the headless product's JVM), GTK 3 for SWT, Xvfb for the UI tests and
# x11-utils (xwininfo) for the test that looks for the workbench window, xdotool for the one that closes it, Mesa's software OpenGL (llvmpipe) for the
# Viewport under Xvfb, and Node.js with npm where there is none (ServeIT drives `atelier serve` with the official npm
# clients, which releng/serve-clients/install.sh fetches). Does nothing when all are there.
set -euo pipefail
pkgs=(maven binutils libgtk-3-0 libxtst6 xvfb xauth x11-utils xdotool dbus-x11 fonts-dejavu-core libgl1 libglx-mesa0 libgl1-mesa-dri)
# by command, not package: a Node.js from elsewhere (NodeSource's carries npm) conflicts with Debian's npm package
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
