#!/bin/bash
# systemd-guest.sh LAYOUT: runs inside conformance/vm/systemd-vm.sh's guest (systemd as pid 1).
# Installs corral from this (already built) checkout as the systemd unit, runs a container from
# the OCI layout LAYOUT, and checks that `systemctl restart` and `stop` leave it running with the
# same pid and that corrald's own log reaches the journal. Prints KEY=VALUE lines; exits non-zero
# at the first failure.
set -euo pipefail
layout=$1
cd "$(dirname "$0")/../.."
step() { echo "STEP=$*"; }
pid_of() { corralctl inspect "$1" | node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(0, "utf8")).info.info.pid))'; }
state_of() { corralctl inspect "$1" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).status.state)'; }

step install
# The guest's / is an overlay (tmpfs over 9p), which overlayfs cannot stack on: corral's root
# gets a filesystem of its own, as a node's data disk would be.
mkdir -p /var/lib/corral
mount -t tmpfs -o mode=0700 corral-root /var/lib/corral
# Emulation (no KVM) makes corrald start ~50x slower than on a node: more time for READY=1.
mkdir -p /etc/systemd/system/corrald.service.d
printf '[Service]\nTimeoutStartSec=900\n' >/etc/systemd/system/corrald.service.d/emulated-guest.conf
./deploy/install.sh --prebuilt >/dev/null
echo "ACTIVE=$(systemctl is-active corrald)"
echo "UNIT=$(systemctl show -p Type,Delegate,KillMode,OOMScoreAdjust,TasksMax --value corrald | paste -sd' ')"

step run
corralctl image import --name corral-test/busybox "$layout" >/dev/null
cat >/tmp/pod.json <<'EOF'
{"metadata": {"name": "guest", "namespace": "systemd", "uid": "guest-1"},
 "log_directory": "/var/log/pods/guest",
 "linux": {"security_context": {"namespace_options": {"network": "NODE"}}}}
EOF
cat >/tmp/ctr.json <<'EOF'
{"metadata": {"name": "sleeper"}, "image": {"image": "corral-test/busybox:latest"},
 "command": ["sh", "-c", "echo up; exec sleep 3600"], "log_path": "sleeper.log"}
EOF
pod=$(corralctl runp /tmp/pod.json)
ctr=$(corralctl create "$pod" /tmp/ctr.json /tmp/pod.json)
corralctl start "$ctr" >/dev/null
pid=$(pid_of "$ctr")
echo "PID=$pid"
main=$(systemctl show -p MainPID --value corrald)

step restart
systemctl restart corrald
# Type=notify: restart returns once corrald has said READY=1, so it answers at once.
echo "ANSWERS_AFTER_RESTART=$(corralctl version >/dev/null && echo yes)"
echo "NEW_MAIN_PID=$([ "$(systemctl show -p MainPID --value corrald)" != "$main" ] && echo yes)"
echo "AFTER_RESTART=$(state_of "$ctr") $(pid_of "$ctr")"

step stop
systemctl stop corrald
echo "STOPPED=$(systemctl is-active corrald || true) $(kill -0 "$pid" && echo alive)"
systemctl start corrald
echo "AFTER_STOP_START=$(state_of "$ctr") $(pid_of "$ctr")"
echo "EXEC=$(corralctl exec "$ctr" echo hi)"
echo "LOGS=$(corralctl logs "$ctr")"

step journal
echo "JOURNAL_READY=$(journalctl -u corrald -o cat --no-pager | grep -c '"message":"corrald ready"')"
echo "JOURNAL_STOPPING=$(journalctl -u corrald -o cat --no-pager | grep -c '"message":"stopping"')"

step remove
corralctl stop -t 1 "$ctr" >/dev/null
corralctl rm "$ctr" >/dev/null
corralctl stopp "$pod" >/dev/null
corralctl rmp "$pod" >/dev/null
echo "PODS_LEFT=$(corralctl pods -q | wc -l)"
step done
