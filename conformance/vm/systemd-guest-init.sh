#!/bin/sh
# /init of the systemd-vm.sh guest's initramfs (busybox): build the root from the host's /
# (read-only 9p) under a tmpfs overlay, add the units that run the command and power off, then
# hand pid 1 to the host's own systemd (Debian 12: systemd 252 with dbus-daemon).
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
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot \
  || { echo "guest: overlay over 9p failed"; echo 125 > /share/rc; poweroff -f; }
R=/newroot
mount -t tmpfs -o mode=1777,size=2g tmpfs $R/tmp
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs $R/run
# The fresh /tmp hides whatever the host keeps there, the checkout included: show it again.
if [ -n "$PROJECT_DIR" ] && [ -d "/lower$PROJECT_DIR" ]; then
  mkdir -p "$R$PROJECT_DIR"
  mount --bind "/lower$PROJECT_DIR" "$R$PROJECT_DIR"
fi
mkdir -p "$R$RUN_DIR"
mount --move /share "$R$RUN_DIR"
# The guest kernel's modules (the host has none for it), for modprobe of bridge, veth, br_netfilter.
kver=$(ls "/lower$KERNEL_MODULES")
mkdir -p "$R/lib/modules/$kver"
mount --bind "/lower$KERNEL_MODULES/$kver" "$R/lib/modules/$kver"

# Only what the command needs boots: basic.target (journald, dbus socket, tmpfiles) and the run
# unit, none of the host's enabled services (the default target is never reached).
U=$R/etc/systemd/system
cat > $U/corral-vm.target <<T
[Unit]
Description=corral guest: run one command
Requires=basic.target corral-vm-run.service
After=basic.target
AllowIsolate=yes
T
cat > $U/corral-vm-run.service <<S
[Unit]
Description=corral guest command
After=basic.target dbus.socket
Wants=dbus.socket
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
StandardInput=null
ExecStart=/bin/sh -c '/bin/bash $RUN_DIR/cmd.sh > $RUN_DIR/out 2>&1 < /dev/null; echo \$? > $RUN_DIR/rc; sync'
TimeoutStartSec=infinity
S
printf 'br_netfilter\nbridge\nveth\noverlay\n' > $R/etc/modules-load.d/corral-vm.conf
echo corral-vm > $R/etc/hostname
: > $R/etc/machine-id
# The host is a container: its marker would make systemd think the guest is one too (and read its
# options from argv instead of the kernel command line).
rm -f $R/.dockerenv $R/run/.containerenv
# Host timers that have no business in a throw-away guest.
for t in apt-daily apt-daily-upgrade dpkg-db-backup e2scrub_all fstrim man-db; do ln -sf /dev/null $U/$t.timer; done

for d in proc sys dev; do mount --move "/$d" "$R/$d"; done
exec switch_root $R /lib/systemd/systemd
