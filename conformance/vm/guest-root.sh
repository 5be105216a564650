# Sourced by the guests' /init scripts (guest-init.sh, systemd-guest-init.sh; build_initrd puts it
# in the initramfs beside them): builds the guest's root at /newroot from the host's / (read-only
# 9p) under a tmpfs overlay, with fresh /tmp and /run, the checkout and the guest kernel's modules
# shown again, and /proc, /sys and /dev moved in. Leaves the run share mounted at /share and its
# guest.env (RUN_DIR, PROJECT_DIR, KERNEL_MODULES) loaded.
#
#   build_guest_root fallback|fail   what to do when overlay over 9p fails: a read-only root with
#                                    tmpfs scratch dirs, or exit status 125 and power off
export PATH=/bin
build_guest_root() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev
  while read -r ko; do insmod "/modules/$ko" || echo "guest: insmod $ko failed"; done < /modules/order
  p9='trans=virtio,version=9p2000.L,msize=262144'
  mount -t 9p -o "$p9" corral-run /share || { echo "guest: no run share"; poweroff -f; }
  . /share/guest.env
  mount -t 9p -o "$p9,ro,cache=loose" corral-host /lower
  mount -t tmpfs -o mode=755 tmpfs /upper
  mkdir -p /upper/data /upper/work
  if ! mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot; then
    [ "$1" = fallback ] || { echo "guest: overlay over 9p failed"; echo 125 > /share/rc; poweroff -f; }
    echo "guest: overlay over 9p failed; read-only root with tmpfs scratch dirs"
    mount --bind /lower /newroot
    for d in root var/tmp; do mount -t tmpfs tmpfs "/newroot/$d"; done
  fi
  # A cap, not an allocation: half the guest's RAM is too little for the image unpack's reserve.
  mount -t tmpfs -o mode=1777,size=2g tmpfs /newroot/tmp
  mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /newroot/run
  mkdir -m 1777 /newroot/run/lock
  # The fresh /tmp and /run hide whatever the host keeps there, the checkout included: show it again.
  if [ -n "$PROJECT_DIR" ] && [ -d "/lower$PROJECT_DIR" ]; then
    mkdir -p "/newroot$PROJECT_DIR"
    mount --bind "/lower$PROJECT_DIR" "/newroot$PROJECT_DIR"
  fi
  # The guest kernel's modules (the host has none for it), for modprobe of bridge, veth, netfilter.
  kver=$(ls "/lower$KERNEL_MODULES")
  mkdir -p "/newroot/lib/modules/$kver"
  mount --bind "/lower$KERNEL_MODULES/$kver" "/newroot/lib/modules/$kver"
  for d in proc sys dev; do mount --move "/$d" "/newroot/$d"; done
}
