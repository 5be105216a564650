/* Building a container's mount tree inside its rootfs, before pivot_root. */
#ifndef CORRAL_MOUNTS_H
#define CORRAL_MOUNTS_H
#include "spec.h"

/* Remounts an existing bind mount with extra flags, keeping the flags it must keep (nosuid…). */
int remount_bind(const char *target, unsigned long flags, struct err *err);
int mount_proc_and_sys(int rootfd, const struct spec *s, struct err *err);
int mount_dev(int rootfd, struct err *err);
/* The container's cgroups at /sys/fs/cgroup (spec cgroup2 / cgroup_v1), after /sys. */
int mount_cgroups(int rootfd, const struct spec *s, struct err *err);
int mount_spec_mounts(int rootfd, const struct spec *s, struct err *err);
int mask_paths(int rootfd, const struct spec *s, struct err *err);
int readonly_paths(int rootfd, const struct spec *s, struct err *err);
int write_sysctls(int rootfd, const struct spec *s, struct err *err);

#endif
