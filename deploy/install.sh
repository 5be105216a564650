#!/bin/bash
# Sets up corral on a Debian machine, as root, and starts corrald with its defaults:
# prerequisites, build, binaries in /usr/local/bin, /etc/corral/corral.toml, /etc/crictl.yaml,
# then the systemd unit (or, without systemd, a detached corrald logging to /var/log/corrald.log).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q nodejs npm >/dev/null
fi
bash "$here/conformance/setup-host.sh"
(cd "$here" && npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null)

ln -sf "$here/dist/server/main.js" /usr/local/bin/corrald
ln -sf "$here/dist/cli/main.js" /usr/local/bin/corralctl
install -d -m 0755 /etc/corral
[ -f /etc/corral/corral.toml ] || install -m 0644 "$here/deploy/corral.toml" /etc/corral/corral.toml
[ -f /etc/crictl.yaml ] || install -m 0644 "$here/deploy/crictl.yaml" /etc/crictl.yaml
# The default pod network, unless the node already has a CNI config (a cluster's add-on).
install -d -m 0755 /etc/cni/net.d
[ -n "$(ls -A /etc/cni/net.d)" ] || install -m 0644 "$here/deploy/cni/10-corral-bridge.conflist" /etc/cni/net.d/

if [ -d /run/systemd/system ]; then
  install -m 0644 "$here/deploy/corrald.service" /etc/systemd/system/corrald.service
  systemctl daemon-reload
  systemctl enable --now corrald
else
  if [ -f /run/corral/corrald.pid ] && kill -0 "$(cat /run/corral/corrald.pid)" 2>/dev/null; then
    echo "corrald already running, pid $(cat /run/corral/corrald.pid)"
  else
    mkdir -p /run/corral
    setsid /usr/local/bin/corrald --config /etc/corral/corral.toml >>/var/log/corrald.log 2>&1 </dev/null &
    echo $! >/run/corral/corrald.pid
  fi
fi

for _ in $(seq 100); do
  [ -S /run/corral/corral.sock ] && corralctl version >/dev/null 2>&1 && break
  sleep 0.1
done
corralctl version
