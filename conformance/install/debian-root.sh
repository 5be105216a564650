#!/bin/bash
# Prints the path of a pristine Debian 12 root (debootstrap minbase + git): what a new user of
# corral starts from. Built once and cached under $CORRAL_INSTALL_CACHE; callers copy it.
set -euo pipefail
cache="${CORRAL_INSTALL_CACHE:-/var/cache/corral/install}"
root="$cache/bookworm-minbase-git"
mirror="${CORRAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$cache"
exec 9>"$cache/.root.lock"
flock 9
if [ ! -f "$root/.complete" ]; then
  rm -rf "$root.new"
  mkdir -p "$cache/debootstrap-debs"
  debootstrap --variant=minbase --include=git --cache-dir="$cache/debootstrap-debs" \
    bookworm "$root.new" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -n 20 "$cache/debootstrap.log" >&2
    exit 1
  }
  # What a fresh machine has: the archive's sources; an empty apt cache.
  echo "deb $mirror bookworm main" >"$root.new/etc/apt/sources.list"
  rm -rf "$root.new/var/cache/apt/archives/"*.deb
  touch "$root.new/.complete"
  rm -rf "$root"
  mv "$root.new" "$root"
fi
echo "$root"
