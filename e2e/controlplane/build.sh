#!/usr/bin/env bash
# Builds the real control-plane and CNI test binaries from the committed Go tools modules into a
# cache outside the repository, keyed by the pinned versions. A second run with every binary present
# is a no-op. Prints the binary directory on its last line.
#
#   e2e/controlplane/build.sh            build (or reuse) and print the directory
#   SPIDERPOOL_E2E_CACHE=/path ...       choose the cache root (default ~/.cache/spiderpool-e2e)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=$here/tools
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly

modver() { (cd "$tools/$1" && go list -m -f '{{.Version}}' "$2"); }
K8S=$(modver k8s k8s.io/kubernetes)
ETCD=$(modver etcd go.etcd.io/etcd/server/v3)
KWOK=$(modver kwok sigs.k8s.io/kwok)
CNI=$(modver cni github.com/containernetworking/cni)
PLUGINS=$(modver cni github.com/containernetworking/plugins)

root=${SPIDERPOOL_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spiderpool-e2e}
out=$root/bin-k8s$K8S-etcd$ETCD-kwok$KWOK-cni$CNI-plugins$PLUGINS
mkdir -p "$out"
log() { printf '[build] %s\n' "$*" >&2; }
need() { for b in "$@"; do [ -s "$out/$b" ] || return 0; done; return 1; }
timed() { local t0=$SECONDS; "$@"; log "  took $((SECONDS - t0))s"; }

if need kube-apiserver kube-controller-manager kubectl; then
  log "building Kubernetes $K8S (kube-apiserver, kube-controller-manager, kubectl)"
  minor=$(echo "$K8S" | cut -d. -f2)
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=$K8S -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldf="$ldf -X $p.gitTreeState=clean -X $p.gitCommit=module-build"
  done
  (cd "$tools/k8s" && timed go build -trimpath -ldflags "$ldf" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl)
fi

if need etcd; then
  log "building etcd $ETCD"
  (cd "$tools/etcd" && timed go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)
fi

if need kwok kwok-stages.yaml; then
  log "building kwok $KWOK"
  (cd "$tools/kwok" && timed go build -trimpath -ldflags "-s -w" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok)
  kd=$(cd "$tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo '---'; cat "$kd/kustomize/stage/$f"
  done > "$out/kwok-stages.yaml.tmp"
  mv "$out/kwok-stages.yaml.tmp" "$out/kwok-stages.yaml"
fi

if need cnitool cni-plugins/macvlan cni-plugins/bridge cni-plugins/static; then
  log "building cnitool $CNI and CNI plugins $PLUGINS"
  mkdir -p "$out/cni-plugins"
  (cd "$tools/cni" && timed go build -trimpath -ldflags "-s -w" -o "$out/cnitool" github.com/containernetworking/cni/cnitool)
  (cd "$tools/cni" && timed go build -trimpath -ldflags "-s -w" -o "$out/cni-plugins/" \
    github.com/containernetworking/plugins/plugins/main/macvlan \
    github.com/containernetworking/plugins/plugins/main/bridge \
    github.com/containernetworking/plugins/plugins/ipam/static)
fi

echo "$out"
