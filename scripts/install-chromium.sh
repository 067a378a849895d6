#!/usr/bin/env bash
# Installs Debian's Chromium for the UI tests and the editor benchmark (Playwright's own
# browser builds cannot be downloaded on these machines; Debian's package can), and the
# ui-tests npm package without any browser download. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
chromium --version

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
for dir in ui-tests bench/editor; do
  if [ -f "$dir/package-lock.json" ] && \
     { [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
