#!/usr/bin/env bash
# The main job: installs what is needed, brings up the local stack (control plane, Redis, CRDs and
# webhooks from the kustomize manifests, the four services), runs the demo workload through the
# real CNI path and keeps it running until Ctrl-C (or exits after --once).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm start --silent -- "$@"
