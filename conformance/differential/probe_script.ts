// The probe: a busybox shell script, the container's command, that prints what its process sees,
// one "== section" header before each section's raw lines. Files about "self" are read by the
// shell itself (redirections, not cat), so they describe the container's process, not a child.

export const PROBE_PATH = '/probe';

/** Paths runc masks or makes read-only by default, plus the probe's custom ones. */
const MASKED = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
  '/proc/cpuinfo',
];
const SYSCTLS = [
  'kernel/shm_rmid_forced',
  'kernel/msgmax',
  'net/ipv4/ping_group_range',
  'net/ipv4/ip_unprivileged_port_start',
  'kernel/hostname',
];
const CGROUP_FILES = [
  'memory/memory.limit_in_bytes',
  'memory/memory.memsw.limit_in_bytes',
  'memory/memory.swappiness',
  'memory/memory.oom_control',
  'cpu/cpu.shares',
  'cpu/cpu.cfs_quota_us',
  'cpu/cpu.cfs_period_us',
  'cpuset/cpuset.cpus',
  'cpuset/cpuset.mems',
  'pids/pids.max',
  'hugetlb/hugetlb.2MB.limit_in_bytes',
  'memory.max',
  'memory.swap.max',
  'cpu.max',
  'cpu.weight',
  'cpuset.cpus',
  'pids.max',
  'hugetlb.2MB.max',
];

export const PROBE_SCRIPT = `#!/bin/sh
s() { echo "== $1"; }
self() { while IFS= read -r l; do echo "$l"; done; }
s argv; echo "$0 $*"
s cwd; pwd
s umask; umask
s hostname; hostname
s id; id
s env; env | sort
s status; self < /proc/self/status
s limits; self < /proc/self/limits
s mountinfo; self < /proc/self/mountinfo
s cgroup; self < /proc/self/cgroup
s oom_score_adj; self < /proc/self/oom_score_adj
s uid_map; self < /proc/self/uid_map
s gid_map; self < /proc/self/gid_map
s setgroups; self < /proc/self/setgroups
s attr; self < /proc/self/attr/current 2>/dev/null
s fds; for n in 0 1 2; do echo "$n $(readlink /proc/$$/fd/$n)"; done
s tty; [ -t 0 ] && echo "stdin tty" || echo "stdin not a tty"; [ -t 1 ] && echo "stdout tty" || echo "stdout not a tty"; tty
s ns; for n in cgroup ipc mnt net pid uts user; do a=$(readlink /proc/$$/ns/$n); b=$(readlink /proc/1/ns/$n 2>/dev/null); if [ -z "$b" ]; then echo "$n pid1-unreadable"; elif [ "$a" = "$b" ]; then echo "$n same-as-pid1"; else echo "$n own"; fi; done
s pid; echo "$$"
s procs; for d in /proc/[0-9]*; do [ "$d" = /proc/$$ ] && continue; { read c < $d/comm; } 2>/dev/null && echo "$c"; done | sort
s net; ls /sys/class/net
s dev; ls -lan /dev
s dev_pts; ls -lan /dev/pts
s dev_mqueue; ls -lan /dev/mqueue
s etc; for f in /etc/hosts /etc/hostname /etc/resolv.conf; do echo "-- $f $(stat -c '%a %u:%g' $f 2>&1)"; cat $f 2>&1; done
s devaccess; for d in /dev/probe-null /dev/probe-loop; do [ -e $d ] || continue; r=no; w=no; (exec 3<$d) 2>/dev/null && r=yes; (exec 3>$d) 2>/dev/null && w=yes; echo "$d read=$r write=$w"; done
s sysctl; for k in ${SYSCTLS.join(' ')}; do echo "$k=$(cat /proc/sys/$k 2>&1)"; done
s masked; for p in ${MASKED.join(' ')}; do if [ -d $p ]; then echo "$p dir $(ls -A $p 2>&1 | wc -l)"; elif [ -c $p ]; then echo "$p chr $(head -c 64 $p 2>&1 | wc -c)"; elif [ -e $p ]; then echo "$p file $(head -c 64 $p 2>/dev/null | wc -c)"; else echo "$p absent"; fi; done
s writable; w=.probe-w-$(cat /proc/sys/kernel/random/uuid); for p in / /tmp /dev /dev/shm /proc/sys /sys /mnt /data; do if touch $p/$w 2>/dev/null; then rm -f $p/$w; echo "$p yes"; else echo "$p no"; fi; done
s cgroupfs; ls /sys/fs/cgroup 2>&1
s cgroup_files; for f in ${CGROUP_FILES.join(' ')}; do [ -e /sys/fs/cgroup/$f ] && echo "$f $(cat /sys/fs/cgroup/$f 2>&1 | head -3 | tr '\\n' ' ')"; done
s mnt; ls -lan /mnt /data 2>&1; cat /mnt/file.txt 2>&1
s end
`;
