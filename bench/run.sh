#!/usr/bin/env bash
# make bench: install what the bench needs (wrk, oidc-provider in a cache outside the repo), run
# every scenario (about 10 minutes), print the table and save it under bench/results/.
# Options are passed to bench/suite.py (e.g. --quick for a one-minute smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${LOGINKIT_BENCH_CACHE:-$HOME/.cache/loginkit-bench}"
export LOGINKIT_BENCH_CACHE="$CACHE"

if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
for tool in taskset node npm curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if [ ! -d "$CACHE/oidc/node_modules/oidc-provider" ]; then
  mkdir -p "$CACHE/oidc"
  echo '{"private": true, "type": "module"}' > "$CACHE/oidc/package.json"
  (cd "$CACHE/oidc" && npm install --silent --no-audit --no-fund oidc-provider@9)
fi

host="$(hostname -s 2>/dev/null || echo machine)"
out="bench/results/$(date -u +%Y-%m-%d)-${host}.md"
.venv/bin/python bench/suite.py --out "$out" "$@"
