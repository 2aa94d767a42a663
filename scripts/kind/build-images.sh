#!/usr/bin/env bash
# Builds the container images a kind node must already hold (no registry is reachable), each as a
# `docker import` of a minimal root filesystem, tagged with the exact reference Kubernetes asks
# for, and saved as a docker archive under $CACHE/kind/images/ (cached by a hash of its inputs).
#   control plane: the references `kubeadm config images list --kubernetes-version $KUBE_VERSION`
#     prints (kube-apiserver, -controller-manager, -scheduler, kube-proxy, etcd, coredns, pause),
#     plus containerd's sandbox image from kind's config.toml;
#   the test image under its public reference from images.json (a stand-in: Debian's
#     busybox-static, whose applets are the ones the fixtures use: sh, sleep, wget, httpd, ...);
#   the PV recycler pod's image (a Debian minbase root filesystem);
#   kind's default-class images: local-path-provisioner (built from the Go module proxy) and its
#     helper (busybox), under the references kind's storage manifest names;
#   registry.k8s.io/metrics-server/metrics-server:$METRICS_VERSION;
#   kubeproof/custom-metrics:1 (scripts/custom-metrics);
#   the CNCF distribution registry under its public reference from images.json (built from the
#     Go module proxy), for the registry mirror.
# Binaries: kube-* and etcd from scripts/toolchain.sh (KUBEPROOF_TOOLCHAIN_NODE=1), coredns and
# metrics-server from the Go module proxy, pause from pause.c of the k8s.io/kubernetes module.
# Prints one line per image on stdout: <role> <reference> <archive>, where role is
#   node      what a kind node image holds (as kindest/node does): imported into the node image;
#   workload  what pods of a run pull from public registries: loaded into a cluster's nodes with
#             `kind load` where no registry answers, or served by the registry mirror;
#   local     kubeproof's own (no public registry): always loaded with `kind load`;
#   tool      what runs beside the cluster (the registry mirror itself).
STEP=build-images
. "$(dirname "$0")/lib.sh"
mkdir -p "$IMAGES_DIR"

# kube binaries and etcd (cached by the toolchain; builds kubelet/kubeadm/kube-proxy if missing)
BIN_DIR=$(KUBEPROOF_TOOLCHAIN_NODE=1 KUBEPROOF_NO_DOWNLOAD=${KUBEPROOF_NO_DOWNLOAD:-1} "${NICE[@]}" bash "$REPO_ROOT/scripts/toolchain.sh" | tail -1)
METRICS_BIN="$CACHE/metrics-server/$METRICS_VERSION/metrics-server"
for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubeadm; do
  [ -x "$KUBE_DIR/$b" ] || die "$KUBE_DIR/$b is missing after scripts/toolchain.sh"
done

go_install() { # <dir> <module>@<version>
  [ -x "$1/$(basename "${2%@*}")" ] && return 0
  command -v go >/dev/null || die "Go is needed to build ${2%@*} from the module proxy"
  mkdir -p "$1"
  timed "${2}: go install from the module proxy (cold: minutes)" \
    env GOBIN="$1" CGO_ENABLED=0 "${NICE[@]}" go install -trimpath -ldflags "-s -w" "$2"
}
COREDNS_DIR="$CACHE/coredns/$COREDNS_VERSION"
go_install "$COREDNS_DIR" "github.com/coredns/coredns@$COREDNS_VERSION"
go_install "$(dirname "$METRICS_BIN")" "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_VERSION"

# pause: static C binary from the k8s.io/kubernetes module's build/pause/linux/pause.c
PAUSE_DIR="$CACHE/pause/$KUBE_VERSION"
if [ ! -x "$PAUSE_DIR/pause" ]; then
  src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/build/pause/linux/pause.c
  [ -f "$src" ] || die "pause.c not found in k8s.io/kubernetes@$KUBE_VERSION"
  ver=$(sed -n 's/^TAG ?= *//p' "$(dirname "$src")/../Makefile")
  mkdir -p "$PAUSE_DIR"
  timed "pause: gcc -static $src" gcc -Os -static -Wall -Werror -DVERSION="v${ver:-unknown}" -o "$PAUSE_DIR/pause" "$src"
  strip "$PAUSE_DIR/pause"
fi

# kube-proxy needs iptables/nftables/conntrack: a small Debian root filesystem.
PROXY_ROOTFS=$(bash "$SCRIPTS_DIR/rootfs.sh" kube-proxy-base iptables,nftables,conntrack,kmod,ipset) || die "building the kube-proxy root filesystem failed"

# image <ref> <inputs...> -- <docker import --change ...> : reads a function `fill <dir>` defined
# by the caller that populates the root filesystem.
# Every line printed is also kept in $IMAGES_DIR/built.list for the cluster scripts.
exec > >(tee "$IMAGES_DIR/built.list.part")
# The list is replaced only by a build that got to the end: an interrupted one (a killed run, a
# failed build) would leave a list missing images, and clusters without them.
trap 'rc=$?; if [ $rc = 0 ]; then mv -f "$IMAGES_DIR/built.list.part" "$IMAGES_DIR/built.list"; else rm -f "$IMAGES_DIR/built.list.part"; fi' EXIT
build_image() {
  local role=$1 ref=$2; shift 2
  local inputs=() changes=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do inputs+=("$1"); shift; done
  shift
  changes=("$@")
  local hash safe out
  hash=$(inputs_hash "$ref" "${inputs[@]}" "${changes[@]}" "$SCRIPTS_DIR/build-images.sh")
  safe=$(tr '/:' '__' <<<"$ref")
  out="$IMAGES_DIR/$safe-$hash.tar"
  if [ ! -s "$out" ]; then
    local dir; dir=$(mktemp -d)
    mkdir -p "$dir/etc" "$dir/tmp" && chmod 1777 "$dir/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
    fill "$dir"
    local args=()
    for c in "${changes[@]}"; do args+=(--change "$c"); done
    tar --numeric-owner -C "$dir" -c . | docker import "${args[@]}" - "$ref" >/dev/null
    rm -rf "$dir"
    docker save "$ref" -o "$out.part" && mv "$out.part" "$out"
    log "built $ref ($(du -h "$out" | cut -f1))"
  elif ! docker_has_image "$ref"; then
    docker load -i "$out" >/dev/null
  fi
  # older archives of the same reference are stale
  find "$IMAGES_DIR" -maxdepth 1 -name "$safe-*.tar" ! -name "$safe-$hash.tar" -delete
  printf '%s %s %s\n' "$role" "$ref" "$out"
}
PATH_ENV='ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin'

kubeadm_images=$("$KUBE_DIR/kubeadm" config images list --kubernetes-version "$KUBE_VERSION")
kind_config="$(kind_module_dir)/images/base/files/etc/containerd/config.toml"
sandbox=$(sed -n 's/^ *sandbox_image *= *"\(.*\)"/\1/p' "$kind_config")
log "images for $KUBE_VERSION: $(echo $kubeadm_images) $sandbox"

for ref in $kubeadm_images $sandbox; do
  name=${ref%:*}; name=${name##*/}
  case "$name" in
    kube-apiserver|kube-controller-manager|kube-scheduler)
      bin="$KUBE_DIR/$name"
      fill() { mkdir -p "$1/usr/local/bin"; cp "$bin" "$1/usr/local/bin/"; }
      build_image node "$ref" "$bin" -- "$PATH_ENV" "ENTRYPOINT [\"/usr/local/bin/$name\"]" ;;
    kube-proxy)
      fill() {
        tar -C "$1" -xf "$PROXY_ROOTFS"
        cp "$KUBE_DIR/kube-proxy" "$1/usr/local/bin/kube-proxy.real"
        install -m 0755 "$SCRIPTS_DIR/kube-proxy-iptables" "$1/usr/local/bin/kube-proxy"
      }
      build_image node "$ref" "$KUBE_DIR/kube-proxy" "$PROXY_ROOTFS" "$SCRIPTS_DIR/kube-proxy-iptables" -- "$PATH_ENV" 'ENTRYPOINT ["/usr/local/bin/kube-proxy"]' ;;
    etcd)
      # The etcd release the tag names (registry.k8s.io/etcd:3.7.0-0 is etcd v3.7.0), not the one
      # the local provider runs: kubeadm checks the version it deploys.
      etcd_version=${ref##*:}; etcd_version=v${etcd_version%-*}
      etcd_bin=$(KUBEPROOF_NO_DOWNLOAD=${KUBEPROOF_NO_DOWNLOAD:-1} "${NICE[@]}" bash "$REPO_ROOT/scripts/toolchain.sh" etcd "$etcd_version" | tail -1)
      [ -x "$etcd_bin" ] || die "etcd $etcd_version (for $ref) could not be had from scripts/toolchain.sh"
      fill() { mkdir -p "$1/usr/local/bin" "$1/var/lib/etcd"; cp "$etcd_bin" "$1/usr/local/bin/etcd"; }
      build_image node "$ref" "$etcd_bin" -- "$PATH_ENV" 'ENTRYPOINT ["/usr/local/bin/etcd"]' ;;
    coredns)
      # CoreDNS $COREDNS_VERSION under the reference kubeadm deploys.
      fill() { cp "$COREDNS_DIR/coredns" "$1/coredns"; }
      build_image node "$ref" "$COREDNS_DIR/coredns" -- "$PATH_ENV" 'ENTRYPOINT ["/coredns"]' ;;
    pause)
      fill() { cp "$PAUSE_DIR/pause" "$1/pause"; }
      build_image node "$ref" "$PAUSE_DIR/pause" -- "$PATH_ENV" 'ENTRYPOINT ["/pause"]' 'USER 65535:65535' ;;
    *) die "no recipe for the image $ref" ;;
  esac
done

fill() {
  mkdir -p "$1/bin" "$1/www"
  cp /bin/busybox "$1/bin/busybox"
  local a
  for a in $applets; do [ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"; done
}
applets=$(/bin/busybox --list 2>/dev/null || true)
grep -qx httpd <<<"$applets" || die "Debian's busybox-static is needed for $BUSYBOX_IMAGE (run scripts/kind/host-setup.sh)"
build_image workload "$BUSYBOX_IMAGE" /bin/busybox -- 'ENV PATH=/bin' 'CMD ["sh"]'

# The in-tree PV recycler (reclaim policy Recycle) runs a pod of this reference with
# `sh -c "test -e /scrub && find /scrub -mindepth 1 -delete && ..."`. busybox's find has no
# -delete, so the image is a Debian minbase root filesystem (what debian-base is), the one
# kube-proxy's image is built on. The reference is read from the Kubernetes sources, so it
# follows a version bump.
k8s_src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
recycler=$(grep -o 'registry.k8s.io/build-image/debian-base:[^"]*' "$k8s_src/pkg/volume/plugins.go" | head -1)
[ -n "$recycler" ] || die "the PV recycler image reference was not found in k8s.io/kubernetes@$KUBE_VERSION"
[ "$recycler" = "$(image cluster pv-recycler)" ] || die "images.json lists the PV recycler as $(image cluster pv-recycler), but Kubernetes $KUBE_VERSION uses $recycler: update images.json"
[ "registry.k8s.io/metrics-server/metrics-server:$METRICS_VERSION" = "$(image cluster metrics-server)" ] || die "images.json lists metrics-server as $(image cluster metrics-server), but the scripts pin $METRICS_VERSION: update images.json"
fill() { tar -C "$1" -xf "$PROXY_ROOTFS"; }
build_image workload "$recycler" "$PROXY_ROOTFS" -- "$PATH_ENV" 'CMD ["/bin/sh"]'

# The pod network agent (scripts/kind/ptp-cni): busybox (sh, ip) and kubectl, in the node image as
# kindnetd is in a stock one.
fill() {
  mkdir -p "$1/bin" "$1/usr/local/bin" "$1/etc/cni/net.d"
  cp /bin/busybox "$1/bin/busybox"
  local a
  for a in $applets; do [ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"; done
  cp "$KUBE_DIR/kubectl" "$1/usr/local/bin/kubectl"
  install -m 0755 "$SCRIPTS_DIR/ptp-cni/agent.sh" "$1/usr/local/bin/ptp-cni-agent"
}
build_image node "docker.io/kubeproof/ptp-cni:1" /bin/busybox "$KUBE_DIR/kubectl" "$SCRIPTS_DIR/ptp-cni/agent.sh" -- 'ENV PATH=/usr/local/bin:/bin' 'ENTRYPOINT ["/usr/local/bin/ptp-cni-agent"]'

# kind's default class (its /kind/manifests/default-storage.yaml): local-path-provisioner and the
# helper image whose sh runs the class's setup/teardown scripts (mkdir, rm), under the references
# kind's manifest names, preloaded as on a stock node. The provisioner is $LOCAL_PATH_VERSION from the
# module proxy (a stand-in: kind builds its image from a release the proxy does not serve).
LOCAL_PATH_DIR="$CACHE/local-path-provisioner/$LOCAL_PATH_VERSION"
go_install "$LOCAL_PATH_DIR" "github.com/rancher/local-path-provisioner@$LOCAL_PATH_VERSION"
fill() { mkdir -p "$1/usr/bin"; cp "$LOCAL_PATH_DIR/local-path-provisioner" "$1/usr/bin/local-path-provisioner"; }
build_image node "$(kind_storage provisioner-image)" "$LOCAL_PATH_DIR/local-path-provisioner" -- "$PATH_ENV" 'ENTRYPOINT ["/usr/bin/local-path-provisioner"]'
fill() {
  mkdir -p "$1/bin"
  cp /bin/busybox "$1/bin/busybox"
  local a
  for a in $applets; do [ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"; done
}
build_image node "$(kind_storage helper-image)" /bin/busybox -- 'ENV PATH=/bin' 'CMD ["sh"]'

# kubeproof's custom metrics API server (scripts/custom-metrics, built by scripts/toolchain.sh).
CUSTOM_METRICS_BIN=$(readlink -f "$BIN_DIR/kubeproof-custom-metrics")
[ -x "$CUSTOM_METRICS_BIN" ] || die "kubeproof-custom-metrics is missing after scripts/toolchain.sh"
fill() { cp "$CUSTOM_METRICS_BIN" "$1/kubeproof-custom-metrics"; }
build_image local "kubeproof/custom-metrics:1" "$CUSTOM_METRICS_BIN" -- 'ENTRYPOINT ["/kubeproof-custom-metrics"]' 'USER 65534:65534'

fill() { cp "$METRICS_BIN" "$1/metrics-server"; }
build_image workload "registry.k8s.io/metrics-server/metrics-server:$METRICS_VERSION" "$METRICS_BIN" -- 'ENTRYPOINT ["/metrics-server"]' 'USER 65534:65534'

# The registry mirror (harness/cluster/registry.ts, npm run with-mirror): the CNCF distribution registry, as the official image
# runs it (`registry serve /etc/distribution/config.yml`, storage in /var/lib/registry, port 5000).
REGISTRY_IMAGE=$(image cluster registry)
REGISTRY_VERSION=${REGISTRY_IMAGE##*:}
REGISTRY_DIR="$CACHE/registry/v$REGISTRY_VERSION"
go_install "$REGISTRY_DIR" "github.com/distribution/distribution/v3/cmd/registry@v$REGISTRY_VERSION"
fill() {
  mkdir -p "$1/bin" "$1/etc/distribution" "$1/var/lib/registry"
  cp "$REGISTRY_DIR/registry" "$1/bin/registry"
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\n  delete:\n    enabled: true\nhttp:\n  addr: :5000\n' >"$1/etc/distribution/config.yml"
}
build_image tool "$REGISTRY_IMAGE" "$REGISTRY_DIR/registry" -- 'ENTRYPOINT ["/bin/registry"]' 'CMD ["serve", "/etc/distribution/config.yml"]' 'EXPOSE 5000'
