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
# shellcheck source=vm-lib.sh
. "$(dirname "$0")/vm-lib.sh"

prepare_kernel "$(dirname "$0")/guest-init.sh"
write_run_dir "$@"
trap 'rm -rf "$RUN"' EXIT
boot_and_report "console=ttyS0 panic=-1 no_timer_check quiet loglevel=3 cgroup_no_v1=all rdinit=/init"
