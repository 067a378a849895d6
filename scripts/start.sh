#!/usr/bin/env bash
# Installs everything (scripts/install.sh) and starts JupyterLab with the extension.
# Extra arguments go to `jupyter lab` (e.g. --port 9999 --notebook-dir ~/work).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# Containers often run as root, which jupyter refuses without --allow-root.
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec jupyter lab --ip 127.0.0.1 --no-browser "${root_flag[@]}" "$@"
