#!/usr/bin/env bash
# What a plain `kind create cluster` lacks for the whole suite, added to a kind cluster kubeproof
# did not create (the GitHub workflow's clusters, a user's own):
#   - metrics-server (scripts/kind/metrics-server.yaml, its image pulled from registry.k8s.io), unless
#     the cluster already serves metrics.k8s.io;
#   - kubeproof's custom metrics API server (install-custom-metrics.sh).
# The `existing` provider then finds both (capabilities are read from the cluster).
#   install-addons.sh <kind cluster name>
STEP=addons
. "$(dirname "$0")/lib.sh"
cluster=${1:?usage: install-addons.sh <kind cluster name>}
command -v kubectl >/dev/null || die "kubectl is not on PATH"
kc() { kubectl --context "kind-$cluster" "$@"; }
if kc get apiservice v1beta1.metrics.k8s.io >/dev/null 2>&1; then
  log "metrics.k8s.io is served already"
else
  sed "s/\${METRICS_VERSION}/$METRICS_VERSION/" "$SCRIPTS_DIR/metrics-server.yaml" | kc apply -f - >/dev/null
  kc wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=180s >/dev/null \
    || die "the metrics API did not become available: $(kc -n kube-system get pods -l k8s-app=metrics-server -o wide)"
  log "metrics-server $METRICS_VERSION serves metrics.k8s.io in $cluster"
fi
bash "$SCRIPTS_DIR/install-custom-metrics.sh" "$cluster"
