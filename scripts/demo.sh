#!/usr/bin/env bash
# The main job: installs what is needed, then brings up the local stack (control plane, Redis,
# CRDs, the four services) and keeps it running until Ctrl-C (or exits after --once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm start --silent -- "$@"
