#!/usr/bin/env bash
# outside-cluster.sh up|down <name> <kubeconfig> [node image]: a kind cluster made the way a user makes one,
# not by kubeproof: plain `kind create cluster` (kind's defaults: its default CNI, its default
# class) with kind's local-registry pattern pointing docker.io and registry.k8s.io at the mirror
# (KUBEPROOF_REGISTRY_MIRROR, from `npm run with-mirror`), nothing loaded with `kind load`; then
# `npm run kind:addons` as a user would. The suite's `existing` provider is then pointed at it
# (CI does this: every pod must pull its image through the mirror). `down` deletes it.
STEP=outside-cluster
. "$(dirname "$0")/lib.sh"
action=${1:?up|down}; name=${2:?cluster name}; export KUBECONFIG=${3:?kubeconfig path}
KIND=$(bash "$SCRIPTS_DIR/build-kind.sh")
# the kind and kubectl a user has on PATH
export PATH="$(dirname "$KIND"):$(dirname "$KUBECTL"):$PATH"
if [ "$action" = down ]; then
  kind delete cluster --name "$name" >&2
  exit 0
fi
image=${4:-$(docker images --format '{{.Repository}}:{{.Tag}}' kubeproof/node | head -1)}
[ -n "$image" ] || die "no node image: run npm run kind:image, or give one"
[ -n "${KUBEPROOF_REGISTRY_MIRROR:-}" ] || die "KUBEPROOF_REGISTRY_MIRROR is not set: run this under npm run with-mirror"
start=$SECONDS
fence_kind_network "$image"
config=$(mktemp --suffix=.yaml)
trap 'rm -f "$config"' EXIT
kind_config >"$config"
kind create cluster --name "$name" --image "$image" --config "$config" >&2
for n in $(kind get nodes --name "$name"); do mirror_node "$n"; done
log "kind create cluster $name in $((SECONDS - start)) s; nodes pull through $KUBEPROOF_REGISTRY_MIRROR"
bash "$SCRIPTS_DIR/install-addons.sh" "$name"
log "cluster $name ready in $((SECONDS - start)) s (kubeconfig $KUBECONFIG)"
