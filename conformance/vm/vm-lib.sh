# Shared by the QEMU guest runners (cgroup2-vm.sh, systemd-vm.sh); sourced, not run.
# Fetches Debian's kernel once, builds a busybox initramfs around a given init script, writes the
# per-run command directory and boots QEMU (TCG: no KVM here). The caller sets CACHE and defines die.

# $CORRAL_VM_KERNEL, else what linux-image-amd64 points at, else the kernel cached last (offline).
kernel_package() {
  [ -n "${CORRAL_VM_KERNEL:-}" ] && { echo "$CORRAL_VM_KERNEL"; return; }
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
  [ -n "$pkg" ] || pkg=$(cd "$CACHE" && ls -d linux-image-*-amd64 2>/dev/null | sort -V | tail -1)
  echo "$pkg"
}

# The kernel as a plain ELF image: QEMU boots it through its PVH entry, skipping the in-guest
# decompression of bzImage, which costs seconds under emulation.
fetch_kernel() {
  local dir=$1 pkg=$2 tmp
  tmp=$(mktemp -d "$CACHE/fetch.XXXXXX")
  (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get download $pkg failed"; }
  dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./boot ./lib/modules
  local bz offset
  bz=$(echo "$tmp"/boot/vmlinuz-*)
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -1 | cut -d: -f1)
  [ -n "$offset" ] || die "no xz payload in $bz"
  tail -c "+$((offset + 1))" "$bz" | xz -dcq > "$tmp/vmlinux" 2>/dev/null || true
  file "$tmp/vmlinux" | grep -q 'ELF 64-bit' || die "could not unpack the kernel image"
  mv "$tmp/lib/modules" "$tmp/modules"
  rm -rf "$tmp/boot" "$tmp/lib" "$tmp"/*.deb "$dir"
  mv "$tmp" "$dir"
}

# A busybox initramfs whose /init is $2 (with guest-root.sh beside it, which every /init sources),
# with the 9p, virtio and overlay modules (dependency order from depmod), written to $3.
build_initrd() {
  local dir=$1 init=$2 out=$3 kver root
  kver=$(ls "$dir/modules")
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,proc,sys,dev,share,lower,upper,newroot,modules,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
  depmod -b "$dir/modules/.." "$kver" 2>/dev/null || depmod -b "$(dirname "$dir/modules")" "$kver"
  for module in 9pnet_virtio virtio_pci 9p overlay; do
    modprobe -d "$dir/modules/.." -S "$kver" --show-depends "$module"
  done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
    cp "$ko" "$root/modules/"; basename "$ko" >> "$root/modules/order"
  done
  cp "$init" "$root/init"
  cp "$(dirname "$init")/guest-root.sh" "$root/guest-root.sh"
  chmod 755 "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) > "$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$root"
}

# Sets KDIR to the cached kernel and INITRD to an initramfs around init script $1 (rebuilt when
# the scripts change), under a lock so that parallel runners share one download.
prepare_kernel() {
  local init=$1 name stamp pkg
  for tool in qemu-system-x86_64 cpio xz file depmod modprobe; do
    command -v "$tool" >/dev/null || die "missing $tool (run conformance/setup-host.sh)"
  done
  file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || die "/bin/busybox must be busybox-static"
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9
  pkg=$(kernel_package); [ -n "$pkg" ] || die "cannot tell which linux-image package to use (apt-get update?)"
  KDIR=$CACHE/$pkg
  [ -f "$KDIR/vmlinux" ] || fetch_kernel "$KDIR" "$pkg"
  # depmod wants <base>/lib/modules/<version>: give it that shape once.
  if [ ! -d "$KDIR/lib/modules" ]; then mkdir -p "$KDIR/lib"; ln -sfn ../modules "$KDIR/lib/modules"; fi
  name=$(basename "$init" .sh)
  INITRD=$KDIR/$name.cpio
  stamp=$(cat "${BASH_SOURCE[0]}" "$init" "$(dirname "$init")/guest-root.sh" | md5sum | cut -c1-16)
  if [ "$(cat "$KDIR/$name.stamp" 2>/dev/null)" != "$stamp" ]; then
    build_initrd "$KDIR" "$init" "$INITRD"
    echo "$stamp" > "$KDIR/$name.stamp"
  fi
  flock -u 9
}

# Sets RUN to a fresh shared directory holding the command (run in the caller's environment and
# working directory), and later its output (out) and exit status (rc).
write_run_dir() {
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/corral-vm.XXXXXX")
  {
    echo "# written by $(basename "$0")"
    export -p | grep -vE '^declare -x (OLDPWD|PWD|SHLVL|_)=' || true
    printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
    printf '%q ' "$@"; echo
  } > "$RUN/cmd.sh"
  # The checkout, seen again in the guest even when it lives under /tmp (which the guest replaces).
  local project_dir
  project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  printf 'RUN_DIR=%q\nPROJECT_DIR=%q\nKERNEL_MODULES=%q\n' "$RUN" "$project_dir" "$KDIR/modules" > "$RUN/guest.env"
}

# Boots the guest with kernel command line $1 and reports like the runners promise: CMD's output
# on stdout, its exit status, 124 on timeout, 125 when the guest gave none.
boot_and_report() {
  local append=$1 qemu_rc
  set +e
  timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -M pc -accel tcg,thread=multi -cpu max -smp "$CPUS" -m "$MEM" \
    -nographic -nodefaults -no-reboot -serial stdio -nic none \
    -kernel "$KDIR/vmlinux" -initrd "$INITRD" -append "$append" \
    -virtfs "local,path=/,mount_tag=corral-host,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$RUN,mount_tag=corral-run,security_model=none" \
    </dev/null > "$RUN/console" 2>&1
  qemu_rc=$?
  set -e
  [ "$CONSOLE" = 1 ] && tr -d '\r' < "$RUN/console" >&2
  [ -f "$RUN/out" ] && cat "$RUN/out"
  [ "$qemu_rc" = 124 ] && { echo "$(basename "$0" .sh): timed out after ${TIMEOUT}s" >&2; exit 124; }
  [ -s "$RUN/rc" ] || { tr -d '\r' < "$RUN/console" | tail -20 >&2; die "the guest gave no exit status (qemu exit $qemu_rc)"; }
  exit "$(cat "$RUN/rc")"
}
