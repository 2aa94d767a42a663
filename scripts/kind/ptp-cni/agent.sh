#!/bin/sh
# kubeproof's pod network agent, in the role kindnetd has on a stock kind node (kindnetd is not
# served by the Go module proxy): one per node (DaemonSet, host network), it writes the node's
# CNI config for its podCIDR (ptp + host-local) and keeps a route to every other node's podCIDR
# via that node's InternalIP. A node that joins gets both within a period; routes to nodes that
# left go. It lists nodes with its service account's token from the API server kind names in
# CONTROL_PLANE_ENDPOINT (reachable before kube-proxy has programmed the Service IP).
set -u
SA=/var/run/secrets/kubernetes.io/serviceaccount
CONF=/etc/cni/net.d/10-kubeproof.conflist
PERIOD=${PERIOD:-10}
: "${NODE_NAME:?NODE_NAME (spec.nodeName from the downward API) is required}"
: "${CONTROL_PLANE_ENDPOINT:?CONTROL_PLANE_ENDPOINT (set by kind) is required}"
FIELDS='{range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'
log() { echo "$(date -u +%H:%M:%S) $*"; }

conflist() {
  printf '{\n  "cniVersion": "0.4.0",\n  "name": "kubeproof",\n  "plugins": [\n'
  printf '    {"type": "ptp", "ipMasq": false, "mtu": 1500,\n'
  printf '     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]], "routes": [{"dst": "0.0.0.0/0"}]}},\n' "$1"
  printf '    {"type": "portmap", "capabilities": {"portMappings": true}}\n  ]\n}\n'
}

while :; do
  if ! nodes=$(kubectl --server="https://$CONTROL_PLANE_ENDPOINT" --token="$(cat "$SA/token")" --certificate-authority="$SA/ca.crt" get nodes -o jsonpath="$FIELDS"); then
    log "cannot list nodes; again in $PERIOD s"
    sleep "$PERIOD"
    continue
  fi
  wanted=" "
  for line in $(printf '%s\n' "$nodes" | tr ' ' ','); do
    name=${line%%,*}; rest=${line#*,}; cidr=${rest%%,*}; addr=${rest#*,}
    [ -n "$name" ] && [ -n "$cidr" ] && [ -n "$addr" ] && [ "$addr" != "$rest" ] || continue
    if [ "$name" = "$NODE_NAME" ]; then
      conflist "$cidr" >"$CONF.tmp"
      if ! cmp -s "$CONF.tmp" "$CONF"; then mv "$CONF.tmp" "$CONF" && log "CNI config for $cidr"; else rm -f "$CONF.tmp"; fi
    else
      wanted="$wanted$cidr "
      if ! ip route show "$cidr" | grep -qF "via $addr"; then
        ip route replace "$cidr" via "$addr" && log "route to $cidr via $addr ($name)"
      fi
    fi
  done
  # routes this agent made to pod CIDRs of nodes that are gone
  ip route show | while read -r dst via gw _; do
    [ "$via" = via ] || continue
    case "$wanted" in *" $dst "*) continue ;; esac
    case "$dst" in 10.244.*/24) ip route del "$dst" via "$gw" && log "route to $dst removed (node gone)" ;; esac
  done
  sleep "$PERIOD"
done
