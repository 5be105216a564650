#!/bin/bash
# Installs what corral's build and tests need on a Debian 12 machine, as root. Idempotent.
# The single place for test prerequisites: nothing is installed by hand. What a node needs
# (compiler, CNI plugins, iptables, Node) comes from deploy/node-prereqs.sh, shared with the
# node set-up; everything below it is for tests only.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/deploy/node-prereqs.sh" >/dev/null

PACKAGES=(
  iproute2 util-linux    # ip netns, nsenter/mount for tests
  docker-registry apache2-utils   # local test registry; htpasswd for its basic-auth variant
  zstd                   # makes zstd layers for the unpack tests
  qemu-system-x86 busybox-static cpio xz-utils file kmod  # conformance/vm/cgroup2-vm.sh (cgroup v2 guest)
  debootstrap            # conformance/install: a fresh Debian root for the set-up test
  systemd dbus           # conformance/vm/systemd-vm.sh boots the host's own systemd as the guest's pid 1; systemd-analyze verify
  openjdk-17-jre-headless python3-minimal  # conformance/fidelity/programs: real programs' images (testimages/program_images.ts)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Test images are built from Debian's dynamic busybox: cache the .deb (never install it; it
# conflicts with busybox-static). conformance/testimages unpacks it.
TESTIMAGES_CACHE="${CORRAL_TESTIMAGES_CACHE:-/var/cache/corral/testimages}"
mkdir -p "$TESTIMAGES_CACHE"
if ! ls "$TESTIMAGES_CACHE"/busybox_*_amd64.deb >/dev/null 2>&1; then
  (cd "$TESTIMAGES_CACHE" && apt-get -o DPkg::Lock::Timeout=600 download -q busybox >/dev/null 2>&1) || {
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    (cd "$TESTIMAGES_CACHE" && apt-get download -q busybox >/dev/null)
  }
fi
# nginx for the same images: downloaded, never installed (its package would start a server on the host).
if ! ls "$TESTIMAGES_CACHE"/nginx_*_amd64.deb >/dev/null 2>&1; then
  (cd "$TESTIMAGES_CACHE" && apt-get -o DPkg::Lock::Timeout=600 download -q nginx >/dev/null 2>&1) || {
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    (cd "$TESTIMAGES_CACHE" && apt-get download -q nginx >/dev/null)
  }
fi
# --- differential suite (conformance/differential): containerd + runc as the reference runtime ---
bash "$(dirname "$0")/differential/setup-reference.sh"
# --- end differential suite ---
echo "setup-host: ready"
