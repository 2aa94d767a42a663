#!/usr/bin/env bash
# rootfs.sh <name> <package,package,...>: a Debian minbase root filesystem made by debootstrap,
# cached as $CACHE/kind/rootfs/<name>-<hash>.tar (hash of suite, mirror and package list).
# Prints the tarball path on stdout.
STEP=rootfs
. "$(dirname "$0")/lib.sh"
name=$1 pkgs=$2
hash=$(inputs_hash "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$pkgs")
out="$ROOTFS_DIR/$name-$hash.tar"
if [ ! -s "$out" ]; then
  [ "$(id -u)" = 0 ] || die "debootstrap needs root"
  command -v debootstrap >/dev/null || die "debootstrap is missing (run scripts/kind/host-setup.sh)"
  mkdir -p "$ROOTFS_DIR"
  dir=$(mktemp -d "$ROOTFS_DIR/.build-$name-XXXX")
  trap 'rm -rf "$dir"' EXIT
  timed "$name: debootstrap $DEBIAN_SUITE (minbase + $(tr ',' ' ' <<<"$pkgs" | wc -w) packages)" \
    "${NICE[@]}" debootstrap --variant=minbase --include="$pkgs" "$DEBIAN_SUITE" "$dir/root" "$DEBIAN_MIRROR"
  rm -rf "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/lib/apt/lists/"*
  timed "$name: packing root filesystem" tar --numeric-owner -C "$dir/root" -cf "$out.part" .
  mv "$out.part" "$out"
  log "$name: $(du -h "$out" | cut -f1) root filesystem at $out"
fi
echo "$out"
