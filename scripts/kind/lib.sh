# Shared settings of the scripts/kind/ steps (sourced, not run).
# Versions are pinned here; every built artefact lives under the cache, never in the repo.
set -euo pipefail

KUBE_VERSION=${KUBEPROOF_KUBE_VERSION:-v1.34.4}
KIND_VERSION=${KUBEPROOF_KIND_VERSION:-v0.33.0}
ETCD_VERSION=${KUBEPROOF_ETCD_VERSION:-v3.6.16}
COREDNS_VERSION=${KUBEPROOF_COREDNS_VERSION:-v1.15.0}
METRICS_VERSION=${KUBEPROOF_METRICS_SERVER_VERSION:-v0.8.0}
DEBIAN_SUITE=${KUBEPROOF_DEBIAN_SUITE:-bookworm}
# (|| true: a host without that file, e.g. Ubuntu, must not stop every script that sources this)
DEBIAN_MIRROR=${KUBEPROOF_DEBIAN_MIRROR:-$({ sed -n 's/^URIs: *\(http[^ ]*debian\/\?\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true; } | head -1)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

CACHE=${KUBEPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeproof}
KIND_DIR="$CACHE/kind/$KIND_VERSION"
KIND_BIN="$KIND_DIR/kind"
KUBE_DIR="$CACHE/kubernetes/$KUBE_VERSION"
# kubectl: the toolchain's, else the one on PATH (a kind cluster kubeproof did not make, as on
# the GitHub workflow's existing-kind jobs, where the toolchain is not built)
KUBECTL="$KUBE_DIR/kubectl"
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl || echo "$KUBE_DIR/kubectl")
IMAGES_DIR="$CACHE/kind/images"   # docker-save tarballs of the node's images, by name
ROOTFS_DIR="$CACHE/kind/rootfs"   # debootstrap tarballs, by package-list hash
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPTS_DIR/../.." && pwd)
# image <section> <name>: a reference from the one image list (images.json)
image() { node -e 'const l=require(process.argv[1]); process.stdout.write(l[process.argv[2]][process.argv[3]].ref)' "$REPO_ROOT/images.json" "$1" "$2"; }
BUSYBOX_IMAGE=$(image test busybox)

# Builds share a 2-core machine with test runs: be polite.
NICE=(nice -n 10)

STEP=${STEP:-kind}
log() { printf '[%s] %s\n' "$STEP" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$STEP" "$*" >&2; exit 1; }

# The sigs.k8s.io/kind module source (for its node base files), from the Go module cache.
kind_module_dir() {
  command -v go >/dev/null || die "Go is needed to fetch sigs.k8s.io/kind $KIND_VERSION from the module proxy"
  local tmp dir
  tmp=$(mktemp -d)
  dir=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$tmp"
  [ -d "$dir/images/base/files" ] || die "sigs.k8s.io/kind@$KIND_VERSION has no images/base/files in the module cache"
  echo "$dir"
}

# Hash of files and strings: the cache key of a build step.
inputs_hash() {
  local h=""
  for x in "$@"; do
    # a file by its content only: the key must not depend on where the checkout is
    if [ -f "$x" ]; then h+=$(sha256sum <"$x" | cut -c1-64); else h+="$x"; fi
    h+=$'\n'
  done
  printf '%s' "$h" | sha256sum | cut -c1-12
}

docker_has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Runs a command, showing its elapsed time; output goes to a log shown only on failure.
timed() {
  local what=$1; shift
  local start=$SECONDS logf
  logf=$(mktemp)
  log "$what ..."
  if ! "$@" >"$logf" 2>&1; then tail -40 "$logf" >&2; rm -f "$logf"; die "$what failed (log above)"; fi
  rm -f "$logf"
  log "$what: done in $((SECONDS - start)) s"
}

# The pod network without kindnetd (not served here): each node gets a ptp + host-local CNI config
# for its podCIDR and a route to every other node's podCIDR via that node's address. Idempotent:
# run again after a node joins. Waits until the cluster has <count> nodes with CIDR and address.
wire_pod_network() {  # <kubeconfig> <node count>
  local kubeconfig=$1 count=$2 nodes=() n m node cidr other ocidr oip missing
  # A cluster with kind's own CNI (kindnetd, as on the stock kindest/node image) wires itself.
  if "$KUBECTL" --kubeconfig "$kubeconfig" -n kube-system get daemonset kindnet >/dev/null 2>&1; then
    log "kindnetd runs: it wires the pod network"; return 0
  fi
  for _ in $(seq 120); do
    mapfile -t nodes < <("$KUBECTL" --kubeconfig "$kubeconfig" get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}')
    missing=0
    for n in "${nodes[@]}"; do read -r _ cidr oip <<<"$n"; [ -n "$cidr" ] && [ -n "$oip" ] || missing=1; done
    (( ${#nodes[@]} == count && missing == 0 )) && break
    sleep 1
  done
  (( ${#nodes[@]} == count && missing == 0 )) || die "nodes did not get pod CIDRs and addresses (want $count): ${nodes[*]}"
  for n in "${nodes[@]}"; do
    read -r node cidr _ <<<"$n"
    docker exec -i "$node" sh -c 'mkdir -p /etc/cni/net.d && cat >/etc/cni/net.d/10-kubeproof.conflist' <<JSON
{
  "cniVersion": "0.4.0",
  "name": "kubeproof",
  "plugins": [
    {"type": "ptp", "ipMasq": false, "mtu": 1500,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$cidr"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
    for m in "${nodes[@]}"; do
      read -r other ocidr oip <<<"$m"
      [ "$other" = "$node" ] || docker exec "$node" ip route replace "$ocidr" via "$oip"
    done
    log "pod network on $node: $cidr"
  done
}
