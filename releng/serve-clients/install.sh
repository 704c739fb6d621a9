#!/usr/bin/env bash
# Installs the OpenAI and Ollama npm clients that ServeClientsIT drives `atelier serve` with, exactly as
# package-lock.json pins them, into the git-ignored node_modules/. Without node and npm it installs nothing (the IT
# then skips, saying so); a failed install (no registry) fails, naming this script.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "serve-clients: no node/npm on PATH; ServeClientsIT will be skipped" >&2
  exit 0
fi
# installed already from this lock file
cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null && exit 0
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || { echo "releng/serve-clients/install.sh: npm ci failed" >&2; exit 1; }
cp package-lock.json node_modules/.installed-lock.json
