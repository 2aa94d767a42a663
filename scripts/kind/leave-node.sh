#!/usr/bin/env bash
# leave-node.sh <cluster> <node name> <kubeconfig>: a node leaving for good, as when its machine
# is switched off and the administrator removes it: the node container goes, then the Node object,
# then the other nodes' routes to its pod CIDR. Safe to run for a node already gone.
STEP=leave-node
. "$(dirname "$0")/lib.sh"
cluster=${1:?cluster name}; node=${2:?node name}; kubeconfig=${3:?kubeconfig path}
kc() { "$KUBECTL" --kubeconfig "$kubeconfig" "$@"; }
cidr=$(kc get node "$node" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
docker rm -f "$node" >/dev/null 2>&1 || true
kc delete node "$node" --ignore-not-found --wait=true >/dev/null
if [ -n "$cidr" ]; then
  for other in $(docker ps --filter "label=io.x-k8s.kind.cluster=$cluster" --format '{{.Names}}'); do
    docker exec "$other" ip route del "$cidr" 2>/dev/null || true
  done
fi
log "$node left"
