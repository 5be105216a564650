#!/bin/bash
# Installs what corral's build and tests need on a Debian 12 machine, as root. Idempotent.
# The single place for test prerequisites: nothing is installed by hand.
set -euo pipefail

PACKAGES=(
  gcc libc6-dev          # the native helper is built with the machine's cc, statically
  iproute2 util-linux    # ip netns, nsenter/mount for tests
  qemu-system-x86 busybox-static cpio xz-utils file kmod  # conformance/vm/cgroup2-vm.sh (cgroup v2 guest)
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
echo "setup-host: ready"
