#!/bin/sh
# /init of the systemd-vm.sh guest's initramfs (busybox): build the root (guest-root.sh), add the
# units that run the command and power off, then hand pid 1 to the host's own systemd (Debian 12:
# systemd 252 with dbus-daemon).
. /guest-root.sh
build_guest_root fail
R=/newroot
mkdir -p "$R$RUN_DIR"
mount --move /share "$R$RUN_DIR"

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

exec switch_root $R /lib/systemd/systemd
