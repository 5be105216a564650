#!/bin/bash
# Sets up corral on a Debian 12 machine from this checkout, as root, and starts corrald:
# the node's prerequisites (deploy/node-prereqs.sh), the build, `corrald` and `corralctl` in
# /usr/local/bin, /etc/corral/corral.toml, /etc/crictl.yaml and the default CNI network when
# absent, then the systemd unit (or, without systemd, a detached corrald logging to
# /var/log/corrald.log). Run again after `git pull` to upgrade in place: running containers are
# kept. deploy/uninstall.sh undoes it. --prebuilt installs a checkout that is already built
# (npm ci && npm run build), skipping the build: for images and read-only trees.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
prebuilt=false
case "${1:-}" in
  --prebuilt) prebuilt=true ;;
  "") ;;
  *) echo "usage: install.sh [--prebuilt]" >&2; exit 2 ;;
esac
state=/usr/local/lib/corral
mkdir -p "$state"

# Packages the set-up adds are recorded (uninstall.sh marks them auto-removable, nothing more).
before=$(dpkg-query -W -f='${Package}\n' | sort)
bindir=$(bash "$here/deploy/node-prereqs.sh" | tail -n 1)
comm -13 <(echo "$before") <(dpkg-query -W -f='${Package}\n' | sort) >>"$state/added-packages"
export PATH="$bindir:$PATH" npm_config_update_notifier=false
node=$(command -v node)

if $prebuilt; then
  [ -x "$here/dist/server/main.js" ] || { echo "install.sh: --prebuilt, but $here is not built" >&2; exit 1; }
else
  echo "install.sh: building with node $(node --version) (this takes a minute)"
  (
    cd "$here"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    npm run build >/dev/null
    npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
  )
fi

# Launchers name the node binary, so corrald does not depend on PATH (systemd's differs).
for pair in corrald:server corralctl:cli; do
  name=${pair%%:*}
  rm -f "/usr/local/bin/$name.new"
  printf '#!/bin/sh\nexec %s %s "$@"\n' "$node" "$here/dist/${pair#*:}/main.js" >"/usr/local/bin/$name.new"
  chmod 0755 "/usr/local/bin/$name.new"
  mv -f "/usr/local/bin/$name.new" "/usr/local/bin/$name"
done
install -d -m 0755 /etc/corral
[ -f /etc/corral/corral.toml ] || install -m 0644 "$here/deploy/corral.toml" /etc/corral/corral.toml
[ -f /etc/crictl.yaml ] || install -m 0644 "$here/deploy/crictl.yaml" /etc/crictl.yaml
# The default pod network, unless the node already has a CNI config (a cluster's add-on).
install -d -m 0755 /etc/cni/net.d
[ -n "$(ls -A /etc/cni/net.d)" ] || install -m 0644 "$here/deploy/cni/10-corral-bridge.conflist" /etc/cni/net.d/

if [ -d /run/systemd/system ]; then
  install -m 0644 "$here/deploy/corrald.service" /etc/systemd/system/corrald.service
  systemctl daemon-reload
  systemctl enable corrald >/dev/null 2>&1
  # restart: an upgrade must load the new build; containers survive it (KillMode=process).
  systemctl restart corrald
else
  pidfile=/run/corral/corrald.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    old=$(cat "$pidfile")
    kill -TERM "$old"
    for _ in $(seq 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
  fi
  mkdir -p /run/corral
  setsid /usr/local/bin/corrald --config /etc/corral/corral.toml >>/var/log/corrald.log 2>&1 </dev/null &
  echo $! >"$pidfile"
fi

for _ in $(seq 300); do
  corralctl version >/dev/null 2>&1 && break
  sleep 0.1
done
corralctl version
