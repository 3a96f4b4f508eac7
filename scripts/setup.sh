#!/usr/bin/env bash
# Installs everything the tests and the local stack need, idempotently:
#   - Debian packages (redis-server, openssl, iproute2, CNI plugins, prometheus) when missing
#   - npm dependencies (npm ci), including the pinned Node 24 that every npm script runs on
#   - the Go-built control plane (kube-apiserver, kube-controller-manager, kubectl, etcd, kwok,
#     cnitool, CNI plugins) into a cache outside the repository, keyed by version
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

export PATH="$PATH:/usr/local/go/bin"
DEB_PACKAGES=(redis-server openssl iproute2 containernetworking-plugins ca-certificates iputils-arping iputils-ping ndisc6 util-linux prometheus)
missing=()
for p in "${DEB_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"; exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || { log "Go is required to build the test control plane (go not found on PATH)"; exit 1; }
command -v npm >/dev/null || { log "npm is required"; exit 1; }

stamp=node_modules/.spiderpool-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # npm 11.7+ (the machines carry 11.19) rejects its own lockfiles in `npm ci` when optional
  # platform packages of other platforms are not recorded (npm/cli#8805); 11.6.1 validates
  # the same lockfile correctly and installs exactly what it pins.
  # The registry occasionally drops a connection mid-download: try three times before failing.
  for attempt in 1 2 3; do
    log "installing npm dependencies (npm ci, attempt $attempt)"
    if npx --yes npm@11.6.1 ci --no-audit --no-fund --loglevel=error --fetch-retries=5; then break; fi
    [ "$attempt" = 3 ] && { log "npm ci failed three times"; exit 1; }
    sleep $((attempt * 10))
  done
  echo "$want" > "$stamp"
fi
log "node for npm scripts: $(node_modules/.bin/node --version)"

t0=$SECONDS
bash e2e/controlplane/build.sh >/dev/null
log "control plane binaries ready ($((SECONDS - t0))s)"
