#!/usr/bin/env bash
# Builds the kind node image kubeproof/node:<kube version>-<inputs hash> without any registry,
# doing what `kind build node-image` does (which cannot work offline: it pulls etcd, coredns, ...):
#   1. a Debian root filesystem from debootstrap (systemd, containerd, runc, CNI plugins, ...),
#   2. kind's base files (entrypoint, systemd units, containerd config) taken at build time from
#      the sigs.k8s.io/kind module in the Go module cache, arranged as kind's base Dockerfile does,
#   3. kubelet, kubeadm, kubectl in /usr/bin, /kind/version, the default CNI manifest
#      /kind/manifests/default-cni.yaml (scripts/kind/ptp-cni: a pod network agent in kindnetd's role)
#      and kind's own /kind/manifests/default-storage.yaml (local-path-provisioner),
#   4. the node images of build-images.sh (Kubernetes' own, as in kindest/node) imported into the
#      node's containerd (k8s.io namespace, pinned); the images a run's pods use are not baked in,
#   5. docker commit with kind's entrypoint, and STOPSIGNAL SIGRTMIN+3.
# Cached: an image with the same inputs hash is reused. Prints the image reference on stdout.
STEP=node-image
. "$(dirname "$0")/lib.sh"
start_all=$SECONDS

docker info >/dev/null 2>&1 || die "no Docker engine answers (run scripts/kind/host-setup.sh)"
# What the build itself needs (Debian or Ubuntu: the root filesystems come from debootstrap).
need_pkgs=()
command -v jq >/dev/null || need_pkgs+=(jq)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
grep -qx httpd <<<"$(/bin/busybox --list 2>/dev/null || true)" || need_pkgs+=(busybox-static)
command -v gcc >/dev/null || need_pkgs+=(gcc libc6-dev)
if (( ${#need_pkgs[@]} )); then
  command -v apt-get >/dev/null || die "building the node image here needs ${need_pkgs[*]} (a Debian or Ubuntu host); elsewhere use the stock kindest/node image (the default when a registry answers)"
  [ "$(id -u)" = 0 ] || die "install as root: apt-get install -y ${need_pkgs[*]}"
  timed "apt-get install ${need_pkgs[*]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_pkgs[@]}"
fi
NODE_PKGS=systemd,systemd-sysv,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,e2fsprogs,bash,ca-certificates,curl,jq,procps,containerd,runc,containernetworking-plugins,socat,busybox-static,nfs-common

log "step 1/5: base root filesystem"
ROOTFS=$(bash "$SCRIPTS_DIR/rootfs.sh" node-base "$NODE_PKGS") || die "building the base root filesystem failed"
log "step 2/5: kind $KIND_VERSION base files (Go module cache)"
KIND_SRC=$(kind_module_dir)/images/base/files
kind_files_hash=$(cd "$KIND_SRC" && find . -type f ! -path './LICENSES/*' | sort | xargs sha256sum | sha256sum | cut -c1-12)
log "step 3/5: component images"
images=$(bash "$SCRIPTS_DIR/build-images.sh") || die "building the component images failed"
# Only what a stock kindest/node holds; a run's workload images come from a registry or `kind load`.
mapfile -t IMAGES < <(awk '$1 == "node" {print $3}' <<<"$images")
(( ${#IMAGES[@]} )) || die "build-images.sh produced no node images"

hash=$(inputs_hash "$KUBE_VERSION" "$KIND_VERSION" "$(basename "$ROOTFS")" "$kind_files_hash" \
  "${IMAGES[@]##*/}" "$KUBE_DIR/kubelet" "$KUBE_DIR/kubeadm" "$KUBE_DIR/kubectl" \
  "$SCRIPTS_DIR/build-node-image.sh" "$SCRIPTS_DIR/node-setup.sh" "$SCRIPTS_DIR/ptp-cni/default-cni.yaml" \
  "$(kind_storage manifest | sha256sum | cut -c1-12)")
IMAGE="kubeproof/node:$KUBE_VERSION-$hash"
if docker_has_image "$IMAGE"; then
  log "$IMAGE is up to date"
  echo "$IMAGE"; exit 0
fi

log "step 4/5: assembling $IMAGE"
rootfs_image="kubeproof/node-rootfs:$(basename "$ROOTFS" .tar | sed 's/^node-base-//')"
if ! docker_has_image "$rootfs_image"; then
  timed "importing the root filesystem as $rootfs_image" docker import --change 'ENV container=docker' "$ROOTFS" "$rootfs_image"
fi
ctr_name="kubeproof-node-build-$$"
cleanup() { docker rm -f "$ctr_name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker run -d --name "$ctr_name" --privileged --entrypoint sleep "$rootfs_image" infinity >/dev/null
in_node() { docker exec -i "$ctr_name" "$@"; }

# kind's base files with the modes its Dockerfile gives them (module zips drop exec bits)
tar -C "$KIND_SRC" --exclude ./LICENSES --owner=0 --group=0 --mode=u+rwX,go+rX,go-w -c . | in_node tar -C / -x --no-same-permissions --no-overwrite-dir
in_node sh -c 'chmod 0755 /usr/local/bin/* /kind/bin/*'
for b in kubelet kubeadm kubectl; do
  docker cp "$KUBE_DIR/$b" "$ctr_name:/usr/bin/$b"
  in_node sh -c "chown root:root /usr/bin/$b && chmod 0755 /usr/bin/$b"
done
# the default CNI kind applies at creation, as kindnet's manifest on a stock node, and kind's own
# default storage manifest (local-path-provisioner, the default class "standard")
in_node mkdir -p /kind/manifests
docker cp "$SCRIPTS_DIR/ptp-cni/default-cni.yaml" "$ctr_name:/kind/manifests/default-cni.yaml"
kind_storage manifest | in_node sh -c 'cat >/kind/manifests/default-storage.yaml'
[ -n "$(in_node cat /kind/manifests/default-storage.yaml)" ] || die "kind's default storage manifest came out empty"
docker cp "$SCRIPTS_DIR/node-setup.sh" "$ctr_name:/tmp/node-setup.sh"
timed "setting up systemd units, containerd config, CNI plugin paths" in_node bash /tmp/node-setup.sh "$KUBE_VERSION"
in_node rm -f /tmp/node-setup.sh

# containerd by hand, import the images, stop it
in_node sh -c 'containerd >/var/log/containerd-build.log 2>&1 &'
for _ in $(seq 60); do in_node ctr version >/dev/null 2>&1 && break; sleep 0.5; done
in_node ctr version >/dev/null 2>&1 || { in_node tail -20 /var/log/containerd-build.log >&2; die "containerd did not start in the build container"; }
for tarball in "${IMAGES[@]}"; do
  refs=$(tar -xOf "$tarball" manifest.json | jq -r '.[].RepoTags[]')
  in_node ctr -n k8s.io images import --all-platforms --no-unpack --digests - <"$tarball" >/dev/null \
    || die "importing $tarball into the node's containerd failed"
  for r in $refs; do
    case "$r" in */*/*|*.*/*) full=$r ;; */*) full=docker.io/$r ;; *) full=docker.io/library/$r ;; esac
    in_node ctr -n k8s.io images label "$full" io.cri-containerd.pinned=pinned >/dev/null
    log "  imported $full"
  done
done
# (the build container's PID 1 is sleep, which reaps nobody: a stopped containerd stays a zombie)
in_node sh -c 'pkill -x containerd
  for i in $(seq 60); do
    alive=0
    for p in $(pgrep -x containerd); do [ "$(cut -d" " -f3 /proc/$p/stat 2>/dev/null)" = Z ] || alive=1; done
    [ $alive = 0 ] && exit 0
    sleep 0.25
  done
  exit 1' || die "containerd did not stop"
in_node rm -f /var/log/containerd-build.log

log "step 5/5: committing $IMAGE"
tmp_image="kubeproof/node-build:$hash"
docker commit \
  --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
  --change 'ENV container=docker' \
  "$ctr_name" "$tmp_image" >/dev/null
cleanup
# docker commit/import cannot set STOPSIGNAL; a two-line build with the classic builder can.
ctx=$(mktemp -d)
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\n' "$tmp_image" >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" --label "dev.kubeproof.inputs=$hash" "$ctx" >/dev/null 2>"$ctx/err" \
  || { cat "$ctx/err" >&2; die "adding STOPSIGNAL failed"; }
rm -rf "$ctx"
docker rmi "$tmp_image" >/dev/null
# Older node images (1.4 GB each) go; one a kind cluster still runs on stays (rmi refuses it).
docker images kubeproof/node --format '{{.Repository}}:{{.Tag}}' | grep -vx "$IMAGE" | xargs -r docker rmi >/dev/null 2>&1 || true
log "$IMAGE built in $((SECONDS - start_all)) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
echo "$IMAGE"
