#!/bin/bash
# Undoes deploy/install.sh, as root: stops corrald and removes its launchers, the systemd unit
# and the Node fetched for it; the Debian packages the set-up added are marked auto-installed,
# so `apt-get autoremove` removes those nothing else needs. Refuses while pods exist (--force
# stops and removes them first). Keeps images, pod and container records and the config unless
# --purge: then /var/lib/corral, /run/corral, /etc/corral and the files the set-up wrote to
# /etc/crictl.yaml and /etc/cni/net.d (when unchanged) go too. The checkout stays.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }
purge=false force=false
for arg in "$@"; do
  case "$arg" in
    --purge) purge=true ;;
    --force) force=true ;;
    *) echo "usage: uninstall.sh [--force] [--purge]" >&2; exit 2 ;;
  esac
done
state=/usr/local/lib/corral

if command -v corralctl >/dev/null && corralctl version >/dev/null 2>&1; then
  pods=$(corralctl pods -q)
  if [ -n "$pods" ]; then
    $force || { echo "uninstall.sh: pods exist (corralctl pods); remove them or pass --force" >&2; exit 1; }
    for pod in $pods; do
      corralctl stopp "$pod" >/dev/null
      corralctl rmp "$pod" >/dev/null
    done
  fi
fi

if [ -f /etc/systemd/system/corrald.service ]; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now corrald >/dev/null 2>&1 || true
  fi
  rm -f /etc/systemd/system/corrald.service
  [ -d /run/systemd/system ] && systemctl daemon-reload
fi
pidfile=/run/corral/corrald.pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$pidfile" /usr/local/bin/corrald /usr/local/bin/corralctl

if [ -s "$state/added-packages" ]; then
  installed=$(sort -u "$state/added-packages" | xargs dpkg-query -W -f='${Package}\n' 2>/dev/null || true)
  # shellcheck disable=SC2086
  [ -z "$installed" ] || apt-mark auto $installed >/dev/null
fi
rm -rf "$state"

if $purge; then
  # Mounts below the roots (pinned namespaces, snapshots) would keep the data busy.
  for root in /run/corral /var/lib/corral; do
    [ -d "$root" ] || continue
    for mnt in $(awk -v r="$root/" 'index($5, r) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
      umount -l "$mnt" || true
    done
    rm -rf "$root"
  done
  rm -rf /etc/corral
  if cmp -s /etc/crictl.yaml "$here/deploy/crictl.yaml"; then rm -f /etc/crictl.yaml; fi
  conflist=/etc/cni/net.d/10-corral-bridge.conflist
  if cmp -s "$conflist" "$here/deploy/cni/10-corral-bridge.conflist"; then rm -f "$conflist"; fi
fi
echo "uninstall.sh: corral removed$($purge && echo ', data purged' || echo '; data kept in /var/lib/corral')"
