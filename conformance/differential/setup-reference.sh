#!/bin/bash
# Fetches the differential suite's reference runtime: Debian's containerd and runc packages,
# unpacked (never installed) under $CORRAL_REFERENCE_DIR, so no system containerd service is ever
# enabled or started. A test tool only: the suite starts its own containerd from there on private
# roots; corral never uses it. Idempotent; run as root.
set -euo pipefail

DIR="${CORRAL_REFERENCE_DIR:-/var/cache/corral/reference}"
PACKAGES=(containerd runc)
mkdir -p "$DIR/debs" "$DIR/root"
for pkg in "${PACKAGES[@]}"; do
  if ! ls "$DIR/debs/${pkg}"_*_amd64.deb >/dev/null 2>&1; then
    (cd "$DIR/debs" && apt-get -o DPkg::Lock::Timeout=600 download -q "$pkg" >/dev/null 2>&1) || {
      apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
      (cd "$DIR/debs" && apt-get -o DPkg::Lock::Timeout=600 download -q "$pkg" >/dev/null)
    }
  fi
  ls "$DIR"/root/usr/*bin/"$pkg" >/dev/null 2>&1 || dpkg-deb -x "$DIR/debs/${pkg}"_*_amd64.deb "$DIR/root"
done
# runc links libseccomp dynamically; Debian's base system has it, check rather than assume.
"$DIR/root/usr/sbin/runc" --version >/dev/null
