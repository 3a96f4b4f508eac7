#!/usr/bin/env bash
# The test command: installs what the suite needs, then runs every test (unit, workspace checks,
# integration and end-to-end on the real test bed). The last line is `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm test --silent -- "$@"
