/* Rootfs assembly, in order: private propagation, rootfs bind, /proc, /sys, /sys/fs/cgroup, sysctls, /dev, the
   CRI mounts, cwd, masked and read-only paths, read-only root, then pivot_root or chroot. */
#define _GNU_SOURCE
#include "rootfs.h"
#include "mounts.h"
#include "namespaces.h"
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static int enter_pivot(const char *rootfs, struct err *err)
{
	cleanup_fd int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return fail(err, errno, "open old root");
	if (chdir(rootfs) < 0)
		return fail(err, errno, "chdir %s", rootfs);
	/* pivot_root(".", ".") stacks the old root on top of the new one; detach it from there. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(err, errno, "pivot_root %s", rootfs);
	/* Work on the old root explicitly: "." may still name the new root, and making that a slave
	   would turn the container's rshared volumes into slaves. */
	if (fchdir(oldroot) < 0)
		return fail(err, errno, "fchdir old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return fail(err, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return fail(err, errno, "detach old root");
	return chdir("/") < 0 ? fail(err, errno, "chdir /") : 0;
}

/* A user namespace cannot be joined once chrooted: here it is joined just before the chroot. */
static int enter_chroot(const struct spec *s, int userns_fd, struct err *err)
{
	const char *rootfs = s->rootfs;
	if (chdir(rootfs) < 0)
		return fail(err, errno, "chdir %s", rootfs);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return fail(err, errno, "move %s to /", rootfs);
	if (userns_fd >= 0 && join_userns(s, userns_fd, err) < 0)
		return -1;
	if (chroot(".") < 0)
		return fail(err, errno, "chroot %s", rootfs);
	return chdir("/") < 0 ? fail(err, errno, "chdir /") : 0;
}

static int build_tree(int rootfd, const struct spec *s, int userns_fd, struct err *err)
{
	if (mount_proc_and_sys(rootfd, s, err) < 0 || mount_cgroups(rootfd, s, err) < 0 || write_sysctls(rootfd, s, err) < 0 ||
	    mount_dev(rootfd, s, err) < 0 || mount_spec_mounts(rootfd, s, userns_fd, err) < 0)
		return -1;
	cleanup_fd int cwd = make_in_root(rootfd, s->cwd, 0, err);
	if (cwd < 0)
		return wrap(err, "working directory");
	return mask_paths(rootfd, s, err) < 0 || readonly_paths(rootfd, s, err) < 0 ? -1 : 0;
}

/* Private, unless a mount wants host mounts to reach it: rslave makes the whole tree a slave of the
   host's (events flow in, never out); rshared keeps it shared so the container's mounts under such a
   volume reach the host too (the rootfs itself is made private below, so nothing else leaks out). */
unsigned long root_propagation(const struct spec *s)
{
	unsigned long propagation = MS_REC | MS_PRIVATE;
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (s->mounts[i].propagation & MS_SHARED)
			return MS_REC | MS_SHARED;
		if (s->mounts[i].propagation & MS_SLAVE)
			propagation = MS_REC | MS_SLAVE;
	}
	return propagation;
}

/* The rootfs (the snapshot's overlay, a mount point) is made private before anything is mounted on
   it: /proc, /dev and the rest must never propagate to the host, and pivot_root refuses a shared
   parent. A rootfs that is a plain directory is not a mount point (EINVAL) and needs nothing. */
static int make_rootfs_private(const char *rootfs, struct err *err)
{
	if (mount(NULL, rootfs, NULL, MS_PRIVATE, NULL) < 0 && errno != EINVAL)
		return fail(err, errno, "make rootfs %s private", rootfs);
	return 0;
}

static int setup_and_enter(const struct spec *s, int userns_fd, struct err *err)
{
	if (mount(NULL, "/", NULL, root_propagation(s), NULL) < 0)
		return fail(err, errno, "set propagation of /");
	if (make_rootfs_private(s->rootfs, err) < 0)
		return -1;
	if (userns_fd >= 0) {
		if (idmapped_rootfs(s, userns_fd, err) < 0)
			return -1;
	} else if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return fail(err, errno, "bind rootfs %s", s->rootfs);
	}
	cleanup_fd int rootfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail(err, errno, "open rootfs %s", s->rootfs);
	if (build_tree(rootfd, s, userns_fd, err) < 0)
		return -1;
	if (s->readonly_rootfs && remount_bind(s->rootfs, MS_RDONLY, err) < 0)
		return wrap(err, "read-only rootfs");
	if (s->chroot_mode)
		return enter_chroot(s, userns_fd, err);
	if (enter_pivot(s->rootfs, err) < 0)
		return -1;
	return userns_fd >= 0 ? join_userns(s, userns_fd, err) : 0;
}

int rootfs_setup(const struct spec *s, int userns_fd, struct err *err)
{
	if (userns_fd < 0)
		return setup_and_enter(s, -1, err);
	if (fs_ids_as_container_root(s, err) < 0)
		return -1;
	int rc = setup_and_enter(s, userns_fd, err);
	fs_ids_as_host_root();
	return rc;
}
