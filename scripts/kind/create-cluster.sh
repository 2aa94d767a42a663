#!/usr/bin/env bash
# create-cluster.sh <name> <node image> <kubeconfig path>: a kind cluster of 1 control-plane and 2
# workers from the locally built node image, the images a run's pods use (through the registry
# mirror when KUBEPROOF_REGISTRY_MIRROR is set, else loaded with `kind load`), then what kind's
# default add-ons would have pulled, done locally:
#   - pod network: kind applies the node image's default CNI itself (kubeproof's pod network
#     agent, scripts/kind/ptp-cni, in kindnetd's role);
#   - CoreDNS serves cluster.local only (no `forward` to upstream resolvers, no `loop` probe):
#     nothing may leave the machine;
#   - StorageClass "standard": kind applies the node image's default-storage.yaml itself
#     (local-path-provisioner; in-tree kubernetes.io/host-path on a node image without one);
#   - metrics-server (metrics-server.yaml) with --kubelet-insecure-tls.
# Waits for every node Ready and the default class's provisioner; what only some tests need
# (cluster DNS, the metrics APIs) those tests wait for.
STEP=create-cluster
. "$(dirname "$0")/lib.sh"
name=${1:?cluster name}; image=${2:?node image}; kubeconfig=${3:?kubeconfig path}
KIND=$(bash "$SCRIPTS_DIR/build-kind.sh")
kc() { "$KUBECTL" --kubeconfig "$kubeconfig" "$@"; }
start=$SECONDS

config=$(mktemp --suffix=.yaml)
trap 'rm -f "$config"' EXIT
kind_config 127.0.0.1 >"$config"
mkdir -p "$(dirname "$kubeconfig")"

# Keep all traffic of the nodes inside the machine (where it must be: see fence_kind_network).
fence_kind_network "$image"
log "kind create cluster --name $name --image $image (1 control-plane + 2 workers)"
"$KIND" create cluster --name "$name" --image "$image" --config "$config" --kubeconfig "$kubeconfig" --retain=false >&2
log "nodes joined in $((SECONDS - start)) s"
provide_images "$KIND" "$name"
# kubeproof's own custom metrics image has no registry: where the node image build did not make it
# (a stock kindest/node on a laptop or a CI runner), it is built here and loaded.
if ! built_images local | grep -q " kubeproof/custom-metrics:1 "; then
  build_custom_metrics_image
  timed "kind load kubeproof/custom-metrics:1" "$KIND" load docker-image kubeproof/custom-metrics:1 --name "$name"
fi

# CoreDNS: answer cluster.local only. (Until this lands, a lookup CoreDNS forwards upstream
# leaves through the kind bridge, where the egress fence above rejects it.)
corefile=$(kc -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}')
patched=$(awk '
  /^[[:space:]]*forward[[:space:]]/ { if ($0 ~ /\{[[:space:]]*$/) skip = 1; next }
  skip && /^[[:space:]]*\}[[:space:]]*$/ { skip = 0; next }
  skip { next }
  /^[[:space:]]*loop[[:space:]]*$/ { next }
  { print }' <<<"$corefile")
kc -n kube-system create configmap coredns --from-literal=Corefile="$patched" --dry-run=client -o yaml | kc apply -f - >/dev/null
log "CoreDNS configured for cluster.local only"

kc apply -f <(sed "s/\${METRICS_VERSION}/$METRICS_VERSION/" "$SCRIPTS_DIR/metrics-server.yaml") >/dev/null
kc apply -f "$SCRIPTS_DIR/custom-metrics.yaml" >/dev/null
# Waited for here: what every spec file needs before its first pod (nodes to schedule on, the
# default StorageClass's provisioner). Not waited for: cluster DNS and the metrics APIs, which a
# new cluster gets some 20-40 s later; the few tests that need them wait for them by name
# (clusterDnsServing, metricsApiAvailable, customMetricsApiAvailable) while the others run.
log "waiting for nodes Ready and the default class's provisioner"
kc wait --for=condition=Ready nodes --all --timeout=180s >/dev/null || die "nodes not Ready: $(kc get nodes --no-headers)"
kc get storageclass standard >/dev/null || die "no StorageClass standard"
if kc -n local-path-storage get deployment local-path-provisioner >/dev/null 2>&1; then
  kc -n local-path-storage rollout status deployment/local-path-provisioner --timeout=120s >/dev/null || die "local-path-provisioner did not become available"
fi
log "cluster $name ready in $((SECONDS - start)) s"
