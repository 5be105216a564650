#!/bin/bash
# Runs inside the fresh root (see enter-root.sh), as a new user would: the README's set-up
# command from the clone in /opt/corral, then a pod from a registry mirror. Prints KEY=VALUE
# lines the test checks; exits non-zero at the first failure. Env: IMAGE (a reference the
# configured mirror serves), CGROUP_PARENT (the test's own).
set -euo pipefail
step() { echo "STEP=$*"; }

step setup
cd /opt/corral
start=$(date +%s%N)
bash /setup-command.sh
echo "SETUP_SECONDS=$(( ($(date +%s%N) - start) / 1000000000 ))"

step installed
[ -S /run/corral/corral.sock ]
echo "CORRALCTL=$(command -v corralctl)"
node_bin=$(sed -n 's/^exec \([^ ]*\) .*/\1/p' /usr/local/bin/corrald)
echo "NODE_VERSION=$("$node_bin" --version)"
echo "ADDED_PACKAGES=$(sort -u /usr/local/lib/corral/added-packages | tr '\n' ' ')"
kib=$(sort -u /usr/local/lib/corral/added-packages | xargs dpkg-query -W -f='${Installed-Size}\n' | awk '{s+=$1} END {print s}')
echo "PACKAGES_MIB=$((kib / 1024))"
echo "NODE_HOME_MIB=$(du -sm /usr/local/lib/corral | cut -f1)"
echo "CHECKOUT_MIB=$(du -sm /opt/corral | cut -f1)"

step pull
corralctl pull "$IMAGE" >/dev/null
cat >/tmp/pod.json <<EOF
{"metadata": {"name": "fresh", "namespace": "install", "uid": "fresh-$$"},
 "log_directory": "/var/log/pods/fresh",
 "linux": {"cgroup_parent": "$CGROUP_PARENT",
           "security_context": {"namespace_options": {"network": "NODE"}}}}
EOF
cat >/tmp/ctr.json <<EOF
{"metadata": {"name": "hello"}, "image": {"image": "$IMAGE"},
 "command": ["sh", "-c", "echo hello from a fresh node; exec sleep 600"], "log_path": "hello.log"}
EOF

step run
pod=$(corralctl runp /tmp/pod.json)
ctr=$(corralctl create "$pod" /tmp/ctr.json /tmp/pod.json)
corralctl start "$ctr" >/dev/null
echo "EXEC=$(corralctl exec "$ctr" sh -c 'echo $((6 * 7))')"
for _ in $(seq 50); do corralctl logs "$ctr" | grep -q hello && break; sleep 0.1; done
echo "LOGS=$(corralctl logs "$ctr")"
echo "STATE=$(corralctl inspect "$ctr" | grep -o '"CONTAINER_[A-Z]*"' | head -n 1)"

step remove
corralctl stop -t 1 "$ctr" >/dev/null
corralctl rm "$ctr" >/dev/null
corralctl stopp "$pod" >/dev/null
corralctl rmp "$pod" >/dev/null
echo "PODS_LEFT=$(corralctl pods -q | wc -l)"

step uninstall
corrald_pid=$(cat /run/corral/corrald.pid)
./deploy/uninstall.sh >/dev/null
hash -r
echo "AFTER_UNINSTALL=$(command -v corralctl corrald node || true)|$(kill -0 "$corrald_pid" 2>/dev/null && echo running)|$(ls /var/lib/corral | tr '\n' ' ')"
./deploy/uninstall.sh --purge >/dev/null
echo "AFTER_PURGE=$(ls -d /var/lib/corral /etc/corral /usr/local/lib/corral /etc/crictl.yaml 2>/dev/null | tr '\n' ' ')"
step done
