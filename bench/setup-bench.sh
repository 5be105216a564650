#!/bin/bash
# Installs the OCI runtimes bench/process_start.ts compares against. Bench-only: corral never
# depends on them. Idempotent.
set -euo pipefail
missing=()
for pkg in crun runc; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup-bench: crun and runc ready"
