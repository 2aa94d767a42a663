#!/usr/bin/env bash
# join-node.sh <cluster> <node name> <kubeconfig> [key=value:Effect]: a node container started like kind's workers
# (harness/cluster/kind-node.ts, with testcontainers) joins the running kind cluster: containerd
# set up like its siblings', the kubeadm config of an existing worker with the name and address
# changed, `kubeadm join`; the cluster's CNI daemon (kindnetd, or kubeproof's pod network agent)
# wires it; with a taint, the node registers with it (kubeadm's nodeRegistration.taints), so no pod
# lands there before the taint is in place. Prints the node name. Removal: leave-node.sh.
STEP=join-node
. "$(dirname "$0")/lib.sh"
cluster=${1:?cluster name}; node=${2:?node name}; kubeconfig=${3:?kubeconfig path}; taint=${4:-}
start=$SECONDS
template="$cluster-worker"
docker inspect "$template" >/dev/null 2>&1 || die "no node container $template: is kind cluster $cluster running?"

docker inspect "$node" >/dev/null 2>&1 || die "no node container $node: it is started first (harness/cluster/kind-node.ts)"
# containerd set up as on its siblings: kind patched their config at creation (the cluster's
# containerdConfigPatches, e.g. the local-registry pattern), and registry hosts may be configured
docker exec "$template" tar -C /etc/containerd -c config.toml $(docker exec "$template" test -d /etc/containerd/certs.d && echo certs.d) \
  | docker exec -i "$node" tar -C /etc/containerd -x
docker exec "$node" systemctl restart containerd
for _ in $(seq 60); do
  docker exec "$node" systemctl is-active --quiet containerd 2>/dev/null && break
  sleep 0.5
done
docker exec "$node" systemctl is-active --quiet containerd || die "containerd did not restart in $node"
# the images its pods need: where the siblings pull through a mirror the node now does too;
# where kubeproof built them and loaded them into the siblings, into this node as well
if [ -s "$IMAGES_DIR/built.list" ] && ! docker exec "$template" test -e /etc/containerd/certs.d/docker.io/hosts.toml; then
  KUBEPROOF_REGISTRY_MIRROR="" provide_images "$(bash "$SCRIPTS_DIR/build-kind.sh")" "$cluster" "$node"
fi

ip_of() { docker inspect -f '{{(index .NetworkSettings.Networks "kind").IPAddress}}' "$1"; }
old_ip=$(ip_of "$template"); new_ip=$(ip_of "$node")
taint_yaml=""
if [ -n "$taint" ]; then
  [[ $taint =~ ^([^=]+)=([^:]*):(NoSchedule|PreferNoSchedule|NoExecute)$ ]] || die "taint '$taint' is not key=value:Effect"
  taint_yaml="  taints:\n  - key: ${BASH_REMATCH[1]}\n    value: \"${BASH_REMATCH[2]}\"\n    effect: ${BASH_REMATCH[3]}"
fi
docker exec "$template" cat /kind/kubeadm.conf \
  | sed -e "s/${old_ip//./\\.}/$new_ip/g" -e "s/\b$template\b/$node/g" \
  | awk -v taints="$taint_yaml" '{ print } /^nodeRegistration:[[:space:]]*$/ && taints != "" { print taints }' \
  | docker exec -i "$node" sh -c 'mkdir -p /kind && cat >/kind/kubeadm.conf'
docker exec "$node" kubeadm join --config /kind/kubeadm.conf >/dev/null 2>&1 \
  || die "kubeadm join failed on $node: $(docker exec "$node" journalctl -u kubelet --no-pager 2>/dev/null | tail -5)"
log "kubeadm join of $node done in $((SECONDS - start)) s"

log "$node joined in $((SECONDS - start)) s"
echo "$node"
