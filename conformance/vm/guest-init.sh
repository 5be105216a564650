#!/bin/sh
# PID 1 of the cgroup2-vm.sh guest (busybox): mount the host's / read-only under a tmpfs
# overlay, mount cgroup2 alone, run the command from the shared run directory, power off.
export PATH=/bin
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
  echo "guest: overlay over 9p failed; read-only root with tmpfs scratch dirs"
  mount --bind /lower /newroot
  for d in root var/tmp; do mount -t tmpfs tmpfs "/newroot/$d"; done
fi
for d in proc sys dev; do mount --move "/$d" "/newroot/$d"; done
cg=/newroot/sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 "$cg"
for c in $(cat "$cg/cgroup.controllers"); do echo "+$c" > "$cg/cgroup.subtree_control"; done
mount -t tmpfs -o mode=1777,size=2g tmpfs /newroot/tmp
mount -t tmpfs -o mode=755 tmpfs /newroot/run
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
# The fresh /tmp and /run hide whatever the host keeps there, the checkout included: show it again.
if [ -n "$PROJECT_DIR" ] && [ -d "/lower$PROJECT_DIR" ]; then
  mkdir -p "/newroot$PROJECT_DIR"
  mount --bind "/lower$PROJECT_DIR" "/newroot$PROJECT_DIR"
fi
mkdir -p "/newroot$RUN_DIR"
mount --bind /share "/newroot$RUN_DIR"
ip link set lo up 2>/dev/null
chroot /newroot /bin/bash "$RUN_DIR/cmd.sh" > /share/out 2>&1 < /dev/null
echo $? > /share/rc
sync
poweroff -f
