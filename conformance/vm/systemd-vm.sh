#!/bin/bash
# Runs one command as root inside a throw-away QEMU guest that boots with systemd as pid 1 (with
# dbus), the node shape most kubelets run on: cgroup v2 by default (systemd 252's default), the
# legacy v1 layout with --v1 (systemd.unified_cgroup_hierarchy=0; systemd 252 needs nothing more,
# SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE only exists from systemd 256). The root is the host's /
# (read-only 9p) under a tmpfs overlay: same paths, same tools, writes thrown away, so the
# command can `systemctl start` units it installs. Only basic.target and the command boot.
#
#   conformance/vm/systemd-vm.sh [--v1] [--timeout SEC] [--mem MiB] [--cpus N] [--console] -- CMD [ARG...]
#
# Exit status: CMD's; 124 on timeout; 125 when the guest could not run it (message on stderr).
# Needs systemd and dbus on the host besides cgroup2-vm.sh's tools (conformance/setup-host.sh).
# Kernel and initramfs are cached in $CORRAL_VM_CACHE (default /var/cache/corral-vm).
set -euo pipefail

CACHE=${CORRAL_VM_CACHE:-/var/cache/corral-vm}
TIMEOUT=600 MEM=1536 CPUS=2 CONSOLE=0 V1=0
while [ $# -gt 0 ]; do
  case $1 in
    --v1) V1=1; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --cpus) CPUS=$2; shift 2 ;;
    --console) CONSOLE=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { sed -n '2,14p' "$0" >&2; exit 2; }

die() { echo "systemd-vm: $*" >&2; exit 125; }
# shellcheck source=vm-lib.sh
. "$(dirname "$0")/vm-lib.sh"
[ -x /lib/systemd/systemd ] && command -v dbus-daemon >/dev/null || die "needs systemd and dbus (run conformance/setup-host.sh)"

prepare_kernel "$(dirname "$0")/systemd-guest-init.sh"
write_run_dir "$@"
trap 'rm -rf "$RUN"' EXIT
# no_timer_check: under a loaded host TCG can miss the IO-APIC timer check and panic at boot.
APPEND="console=ttyS0 panic=-1 no_timer_check rdinit=/init systemd.unit=corral-vm.target"
# --console shows the boot too: kernel messages and systemd's unit status.
if [ "$CONSOLE" = 1 ]; then APPEND+=" systemd.show_status=1"; else APPEND+=" quiet loglevel=3 systemd.show_status=0"; fi
[ "$V1" = 1 ] && APPEND+=" systemd.unified_cgroup_hierarchy=0"
boot_and_report "$APPEND"
