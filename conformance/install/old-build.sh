#!/bin/bash
# old-build.sh REPO COMMIT: prints the directory of a built corral at COMMIT (an earlier release,
# for the upgrade test). Exported with git archive and built once; cached under
# $CORRAL_UPGRADE_CACHE.
set -euo pipefail
repo=$1 commit=$2
cache="${CORRAL_UPGRADE_CACHE:-/var/cache/corral/upgrade}"
dir="$cache/$commit"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$dir/.built" ]; then
  rm -rf "$dir.new" && mkdir -p "$dir.new"
  git -C "$repo" archive --format=tar "$commit" | tar -x -C "$dir.new"
  (
    cd "$dir.new"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    npm run build >/dev/null
  ) >"$cache/build.log" 2>&1 || { tail -n 30 "$cache/build.log" >&2; exit 1; }
  touch "$dir.new/.built"
  rm -rf "$dir" && mv "$dir.new" "$dir"
fi
echo "$dir"
