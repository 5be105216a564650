#!/bin/bash
# Runs one command inside a throw-away QEMU guest whose kernel has only the cgroup v2 hierarchy
# (cgroup_no_v1=all), to test corral's v2 driver on a v1 host. The guest sees the host's / read-only
# through virtio-9p with a tmpfs overlay on top (same paths, writes thrown away); the command runs
# as root in the guest's root cgroup with every controller enabled for children.
#
#   conformance/vm/cgroup2-vm.sh [--timeout SEC] [--mem MiB] [--cpus N] [--console] -- CMD [ARG...]
#
# Exit status: CMD's; 124 on timeout; 125 when the guest could not run it (message on stderr).
# Needs qemu-system-x86, busybox-static, cpio, xz-utils, file, kmod (conformance/setup-host.sh).
# The Debian kernel (linux-image-*-amd64 via `apt-get download`) and the initramfs are built once
# and cached in $CORRAL_VM_CACHE (default /var/cache/corral-vm). No KVM here: QEMU emulates (TCG).
set -euo pipefail

CACHE=${CORRAL_VM_CACHE:-/var/cache/corral-vm}
TIMEOUT=600 MEM=1024 CPUS=2 CONSOLE=0
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) TIMEOUT=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --cpus) CPUS=$2; shift 2 ;;
    --console) CONSOLE=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { sed -n '2,12p' "$0" >&2; exit 2; }

die() { echo "cgroup2-vm: $*" >&2; exit 125; }
for tool in qemu-system-x86_64 cpio xz file depmod modprobe; do
  command -v "$tool" >/dev/null || die "missing $tool (run conformance/setup-host.sh)"
done
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || die "/bin/busybox must be busybox-static"

kernel_package() {
  [ -n "${CORRAL_VM_KERNEL:-}" ] && { echo "$CORRAL_VM_KERNEL"; return; }
  apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1
}

# The kernel as a plain ELF image: QEMU boots it through its PVH entry, skipping the in-guest
# decompression of bzImage, which costs seconds under emulation.
fetch_kernel() {
  local dir=$1 pkg=$2 tmp
  tmp=$(mktemp -d "$CACHE/fetch.XXXXXX")
  (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get download $pkg failed"; }
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot ./lib/modules
  local bz offset
  bz=$(echo "$tmp"/boot/vmlinuz-*)
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1)
  [ -n "$offset" ] || die "no xz payload in $bz"
  tail -c "+$((offset + 1))" "$bz" | xz -dcq > "$tmp/vmlinux" 2>/dev/null || true
  file "$tmp/vmlinux" | grep -q 'ELF 64-bit' || die "could not unpack the kernel image"
  mv "$tmp/lib/modules" "$tmp/modules"
  rm -rf "$tmp/boot" "$tmp/lib" "$tmp"/*.deb "$dir"
  mv "$tmp" "$dir"
}

# A busybox initramfs with the 9p, virtio and overlay modules (dependency order from depmod).
build_initrd() {
  local dir=$1 kver root
  kver=$(ls "$dir/modules")
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,proc,sys,dev,share,lower,upper,newroot,modules,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
  depmod -b "$dir/modules/.." "$kver" 2>/dev/null || depmod -b "$(dirname "$dir/modules")" "$kver"
  for module in 9pnet_virtio virtio_pci 9p overlay; do
    modprobe -d "$dir/modules/.." -S "$kver" --show-depends "$module"
  done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
    cp "$ko" "$root/modules/"; basename "$ko" >> "$root/modules/order"
  done
  cp "$(dirname "$0")/guest-init.sh" "$root/init"
  chmod 755 "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) > "$dir/initrd.tmp"
  mv "$dir/initrd.tmp" "$dir/initrd.cpio"
  rm -rf "$root"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
PKG=$(kernel_package); [ -n "$PKG" ] || die "cannot tell which linux-image package to use (apt-get update?)"
KDIR=$CACHE/$PKG
[ -f "$KDIR/vmlinux" ] || fetch_kernel "$KDIR" "$PKG"
# depmod wants <base>/lib/modules/<version>: give it that shape once.
if [ ! -d "$KDIR/lib/modules" ]; then mkdir -p "$KDIR/lib"; ln -sfn ../modules "$KDIR/lib/modules"; fi
STAMP=$(cat "$0" "$(dirname "$0")/guest-init.sh" | md5sum | cut -c1-16)
if [ "$(cat "$KDIR/initrd.stamp" 2>/dev/null)" != "$STAMP" ]; then
  build_initrd "$KDIR"
  echo "$STAMP" > "$KDIR/initrd.stamp"
fi
flock -u 9

# Per run: a shared directory holding the command, its output and its exit status.
RUN=$(mktemp -d "${TMPDIR:-/tmp}/corral-vm.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
{
  echo "# written by cgroup2-vm.sh"
  export -p | grep -vE '^declare -x (OLDPWD|PWD|SHLVL|_)=' || true
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  printf '%q ' "$@"; echo
} > "$RUN/cmd.sh"
# The checkout, seen again in the guest even when it lives under /tmp (which the guest replaces).
PROJECT_DIR=$(cd "$(dirname "$0")/../.." && pwd)
printf 'RUN_DIR=%q\nPROJECT_DIR=%q\n' "$RUN" "$PROJECT_DIR" > "$RUN/guest.env"

set +e
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -M pc -accel tcg,thread=multi -cpu max -smp "$CPUS" -m "$MEM" \
  -nographic -nodefaults -no-reboot -serial stdio -nic none \
  -kernel "$KDIR/vmlinux" -initrd "$KDIR/initrd.cpio" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 cgroup_no_v1=all rdinit=/init" \
  -virtfs "local,path=/,mount_tag=corral-host,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$RUN,mount_tag=corral-run,security_model=none" \
  </dev/null > "$RUN/console" 2>&1
QEMU_RC=$?
set -e
[ "$CONSOLE" = 1 ] && tr -d '\r' < "$RUN/console" >&2
[ -f "$RUN/out" ] && cat "$RUN/out"
[ "$QEMU_RC" = 124 ] && { echo "cgroup2-vm: timed out after ${TIMEOUT}s" >&2; exit 124; }
[ -s "$RUN/rc" ] || { tr -d '\r' < "$RUN/console" | tail -20 >&2; die "the guest gave no exit status (qemu exit $QEMU_RC)"; }
exit "$(cat "$RUN/rc")"
