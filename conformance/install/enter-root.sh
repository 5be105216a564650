#!/bin/bash
# enter-root.sh ROOT CACHE SCRIPT: runs SCRIPT (a path inside ROOT) as a fresh machine would,
# with ROOT as its `/`. Call it through `unshare --mount --pid --fork --propagation private`:
# every mount below lives in that mount namespace and every process dies with its pid 1, so
# nothing outlives the run. The host's kernel (cgroups in /sys, /dev) and network are shared;
# CACHE keeps downloads (.debs, Node, npm packages) between runs.
set -euo pipefail
root=$1 cache=$2 script=$3

mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
mkdir -p "$cache/apt-archives/partial" "$cache/downloads" "$cache/npm" "$root/var/cache/corral/downloads" "$root/root/.npm"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
mount --bind "$cache/downloads" "$root/var/cache/corral/downloads"
mount --bind "$cache/npm" "$root/root/.npm"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"

cd "$root"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
cd /
# The site's trust anchors, as its machines have them (a TLS-inspecting egress proxy needs them).
extra=()
[ -z "${NODE_EXTRA_CA_CERTS:-}" ] || extra+=("NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
exec env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  CGROUP_PARENT="${CGROUP_PARENT:-}" IMAGE="${IMAGE:-}" "${extra[@]}" /bin/bash "$script"
