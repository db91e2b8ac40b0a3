#!/usr/bin/env bash
# Installs headless Chromium from Debian's packages for the console's browser
# tests (cmd/stylegraph/console_browser_test.go). Idempotent; prints the path.
set -euo pipefail
say() { echo "[chromium] $*" >&2; }
for c in chromium chromium-browser; do
  if p="$(command -v "$c")"; then echo "$p"; exit 0; fi
done
say "installing chromium from Debian packages"
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq chromium >/dev/null
command -v chromium
