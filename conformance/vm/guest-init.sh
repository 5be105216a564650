#!/bin/sh
# PID 1 of the cgroup2-vm.sh guest (busybox): build the root (guest-root.sh), mount cgroup2
# alone, switch to it and run the command from the shared run directory, power off.
. /guest-root.sh
build_guest_root fallback
cg=/newroot/sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 "$cg"
for c in $(cat "$cg/cgroup.controllers"); do echo "+$c" > "$cg/cgroup.subtree_control"; done
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
mkdir -p "/newroot$RUN_DIR"
mount --bind /share "/newroot$RUN_DIR"
ip link set lo up 2>/dev/null
# What a node loads for pod networking (systemd-guest-init.sh lists the same in modules-load.d).
chroot /newroot /sbin/modprobe -a br_netfilter bridge veth overlay 2>/dev/null
# The command runs with /newroot as the mount namespace's root, not in a chroot below it (where
# the kernel refuses to create user namespaces); busybox stays at hand to power off.
cp /bin/busybox /newroot/run/busybox
run="/bin/bash '$RUN_DIR/cmd.sh' > '$RUN_DIR/out' 2>&1 < /dev/null; echo \$? > '$RUN_DIR/rc'; sync"
exec switch_root /newroot /run/busybox sh -c "$run; /run/busybox poweroff -f"
