/* Building a container's mount tree inside its rootfs, before pivot_root. */
#ifndef CORRAL_MOUNTS_H
#define CORRAL_MOUNTS_H
#include "spec.h"

/* Starts the error of a mount whose filesystem refuses MOUNT_ATTR_IDMAP (corrald reports it as
   a failed precondition naming the path). */
#define IDMAP_PRECONDITION "filesystem cannot be idmapped:"

/* Remounts an existing bind mount with extra flags, keeping the flags it must keep (nosuid…). */
int remount_bind(const char *target, unsigned long flags, struct err *err);
/* Before the fork into a joined pid namespace without a proc pin (spec proc_pin): makes the /proc
   that mount_proc_and_sys mounts next show that namespace, though this process is not in it
   (fsconfig "pidns", Linux 6.15). -1 when the kernel cannot. */
int proc_prepare_for_children(void);
/* Where neither a proc pin nor fsconfig "pidns" is there (a target container's pid namespace on
   Linux before 6.15): takes a clone of the /proc of the mount namespace at mnt_ns_path (the target
   container's), checked to be a proc root showing the pid namespace joined for children, for
   mount_proc_and_sys to mount. -1 when it cannot. */
int proc_clone_from(const char *mnt_ns_path, struct err *err);
int mount_proc_and_sys(int rootfd, const struct spec *s, struct err *err);
/* In a joined user namespace (spec uid_map/gid_map), /dev/pts belongs to the container's root and
   new ptys to its tty group, as when runc mounts devpts from inside the namespace. */
int mount_dev(int rootfd, const struct spec *s, struct err *err);
/* The container's cgroups at /sys/fs/cgroup (spec cgroup2 / cgroup_v1), after /sys. */
int mount_cgroups(int rootfd, const struct spec *s, struct err *err);
/* userns_fd: the pod's user namespace, for idmapped binds (-1 without one). */
int mount_spec_mounts(int rootfd, const struct spec *s, int userns_fd, struct err *err);
int mask_paths(int rootfd, const struct spec *s, struct err *err);
int readonly_paths(int rootfd, const struct spec *s, struct err *err);
int write_sysctls(int rootfd, const struct spec *s, struct err *err);

#endif
