#!/bin/bash
# Runs INSIDE the node image build container (scripts/kind/build-node-image.sh): turns the Debian
# root filesystem plus kind's base files into what kind's base image is.
set -euo pipefail
# kind's base image layout: containerd in /usr/local/bin, runc in /usr/local/sbin, CNI plugins in /opt/cni/bin
for b in containerd containerd-shim-runc-v2 ctr; do ln -sf "/usr/bin/$b" "/usr/local/bin/$b"; done
ln -sf /usr/sbin/runc /usr/local/sbin/runc
mkdir -p /opt/cni/bin /etc/cni/net.d /etc/kubernetes/manifests
for p in /usr/lib/cni/*; do ln -sf "$p" "/opt/cni/bin/$(basename "$p")"; done
# what kind's base Dockerfile does after installing packages
find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
  /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
  /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
grep -qx ReadKMsg=no /etc/systemd/journald.conf || echo ReadKMsg=no >>/etc/systemd/journald.conf
[ -e /sbin/init ] || ln -s /usr/lib/systemd/systemd /sbin/init
systemctl enable kubelet.service containerd.service undo-mount-hacks.service
systemctl mask systemd-binfmt.service
# containerd's base runtime spec (kind generates it the same way)
ctr oci spec \
  | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
  | jq 'del(.process.rlimits)' >/etc/containerd/cri-base.json
# This machine cannot lower oom_score_adj (no CAP_SYS_RESOURCE), and runc treats that as fatal.
sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml
echo "$1" >/kind/version
