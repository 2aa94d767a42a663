# Shared settings of the scripts/kind/ steps (sourced, not run).
# Versions come from versions.env (scripts/versions.sh); every built artefact lives under the cache, never in the repo.
set -euo pipefail

# shellcheck source=../versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/../versions.sh"
METRICS_VERSION=$METRICS_SERVER_VERSION
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

# kind_storage <provisioner-image|helper-image|manifest>: what kind's node image build writes as
# /kind/manifests/default-storage.yaml and the two images it preloads for it, read from the kind
# module's sources (pkg/build/nodeimage/const_storage.go), so the assembled image gets kind's own.
kind_storage() {
  local src; src="$(kind_module_dir)/pkg/build/nodeimage/const_storage.go"
  [ -f "$src" ] || die "$src is missing: kind $KIND_VERSION keeps its storage manifest elsewhere"
  local prov helper
  prov=$(sed -n 's/^const storageProvisionerImage = "\(.*\)"$/\1/p' "$src")
  helper=$(sed -n 's/^const storageHelperImage = "\(.*\)"$/\1/p' "$src")
  [ -n "$prov" ] && [ -n "$helper" ] || die "no storage image constants found in $src"
  case "$1" in
    provisioner-image) echo "$prov" ;;
    helper-image) echo "$helper" ;;
    manifest)
      awk -v p="$prov" -v h="$helper" '
        /^const defaultStorageManifest = `/ { on = 1; next }
        on && /^`$/ { exit }
        on { gsub(/` \+ storageProvisionerImage \+ `/, p); gsub(/` \+ storageHelperImage \+ `/, h); print }' "$src" ;;
    *) die "kind_storage: unknown $1" ;;
  esac
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

# The images build-images.sh built, by role (<role> <reference> <archive> per line).
built_images() { [ -s "$IMAGES_DIR/built.list" ] && awk -v r="$1" '$1 == r' "$IMAGES_DIR/built.list"; }

# kubeproof's custom metrics API server as an image, where the node image build did not make it
# (a stock node image; a cluster kubeproof did not create): go build, then a FROM scratch image.
build_custom_metrics_image() {
  command -v go >/dev/null || die "Go is needed to build the custom metrics API server (scripts/custom-metrics)"
  local dir; dir=$(mktemp -d)
  timed "go build scripts/custom-metrics" bash -c 'cd "$0" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$1/kubeproof-custom-metrics" .' "$REPO_ROOT/scripts/custom-metrics" "$dir" || { rm -rf "$dir"; die "building the custom metrics API server failed"; }
  printf 'FROM scratch\nCOPY kubeproof-custom-metrics /kubeproof-custom-metrics\nUSER 65534:65534\nENTRYPOINT ["/kubeproof-custom-metrics"]\n' >"$dir/Dockerfile"
  timed "docker build kubeproof/custom-metrics:1" docker build -q -t kubeproof/custom-metrics:1 "$dir" >/dev/null || { rm -rf "$dir"; die "docker build of kubeproof/custom-metrics:1 failed"; }
  rm -rf "$dir"
}

# The registry mirror the nodes pull docker.io and registry.k8s.io images through
# (KUBEPROOF_REGISTRY_MIRROR=<host:port> on the kind network, set by scripts/with-mirror.ts): a
# hosts.toml per upstream registry whose server is the mirror, so nothing falls back to the
# internet (kind's local-registry pattern; the node's containerd reads /etc/containerd/certs.d).
mirror_node() {  # <node container>
  local node=$1 reg
  for reg in docker.io registry.k8s.io; do
    docker exec -i "$node" sh -c "mkdir -p /etc/containerd/certs.d/$reg && cat >/etc/containerd/certs.d/$reg/hosts.toml" <<TOML
server = "http://$KUBEPROOF_REGISTRY_MIRROR"
[host."http://$KUBEPROOF_REGISTRY_MIRROR"]
  capabilities = ["pull", "resolve"]
TOML
  done
}

# What a run's pods need on the nodes: through the mirror when there is one, else loaded from the
# archives built here (no registry at all); kubeproof's own images are always loaded.
provide_images() {  # <kind binary> <cluster> [node]
  local kind=$1 cluster=$2 node=${3:-} nodes_arg=() role ref tar n
  [ -n "$node" ] && nodes_arg=(--nodes "$node")
  if [ -n "${KUBEPROOF_REGISTRY_MIRROR:-}" ]; then
    for n in ${node:-$("$kind" get nodes --name "$cluster")}; do mirror_node "$n"; done
    log "nodes pull docker.io and registry.k8s.io images through the mirror $KUBEPROOF_REGISTRY_MIRROR"
    roles="local"
  else
    roles="workload local"
  fi
  [ -n "$node" ] && roles=${roles% local}  # a joining node runs test pods only
  # Side by side: each load is mostly waiting on a node's containerd unpacking, one image at a time.
  local pids=() failed=0 p
  for role in $roles; do
    while read -r _ ref tar; do
      [ -n "$tar" ] || continue
      timed "kind load $ref" "$kind" load image-archive "$tar" --name "$cluster" "${nodes_arg[@]}" &
      pids+=($!)
    done < <(built_images "$role")
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  (( failed == 0 )) || die "loading images into $cluster failed (log above)"
}

# Keeps all traffic of kind nodes inside the machine where it must stay: a connection to a
# Service IP made before kube-proxy has programmed it (or to any other non-local address) would
# otherwise leave through the host's default route. The "kind" network is created here (kind
# reuses it) so that its bridge can be fenced before any node starts: forwarded traffic from it
# may only go back into it (the registry mirror is on it too). Fenced where nothing may leave: a
# node image assembled here (it exists for machines with no registry) or KUBEPROOF_OFFLINE=1; a
# stock kindest/node pulls its pods' images from the internet.
fence_kind_network() {  # <node image>
  local image=$1 bridge assembled
  if ! docker network inspect kind >/dev/null 2>&1; then
    docker network create --driver bridge --subnet "${KUBEPROOF_KIND_SUBNET:-172.18.0.0/16}" kind >/dev/null
  fi
  bridge="br-$(docker network inspect kind -f '{{.Id}}' | cut -c1-12)"
  local fence=(DOCKER-USER -i "$bridge" ! -o "$bridge" -j REJECT)
  assembled=$(docker image inspect -f '{{index .Config.Labels "dev.kubeproof.inputs"}}' "$image" 2>/dev/null || true)
  if [ -z "$assembled" ] && [ "${KUBEPROOF_OFFLINE:-}" != 1 ]; then
    log "no egress fence: $image is not assembled here and KUBEPROOF_OFFLINE is not set (pods pull from public registries)"
  elif [ "$(id -u)" = 0 ]; then
    iptables -C "${fence[@]}" 2>/dev/null || iptables -I "${fence[@]}"
    log "egress fence: traffic from $bridge may not leave the kind network"
  else
    log "warning: not root, cannot fence $bridge (iptables -I ${fence[*]}): traffic to unprogrammed Service IPs may leave the machine"
  fi
}

# The kind cluster config kubeproof's clusters share: 1 control plane and 2 workers, and kind's
# local-registry pattern (registry hosts read from /etc/containerd/certs.d, see mirror_node).
# On a cgroup v1 host the kubelets are told to run anyway: from 1.35 a kubelet refuses cgroup v1
# unless failCgroupV1 is false (a host fact, not a cluster setting: GitHub's runners are cgroup v2).
kind_config() {  # [API server address]
  printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n'
  [ -n "${1:-}" ] && printf 'networking:\n  apiServerAddress: %s\n' "$1"
  local patches=()
  if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
    patches+=($'kind: KubeletConfiguration\nfailCgroupV1: false')
  fi
  # The control plane's flags (KUBEPROOF_EXTRA_ARGS), as a ClusterConfiguration patch the kind
  # provider wrote (harness/cluster/kind-kubeadm-patch.ts).
  [ -n "${KUBEADM_CONFIG_PATCH:-}" ] && patches+=("$KUBEADM_CONFIG_PATCH")
  if ((${#patches[@]})); then
    echo 'kubeadmConfigPatches:'
    local p
    for p in "${patches[@]}"; do echo '- |'; sed 's/^/  /' <<<"$p"; done
  fi
  cat <<'YAML'
containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
nodes:
- role: control-plane
- role: worker
- role: worker
YAML
}
