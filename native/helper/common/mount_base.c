/* The container init's mount namespace, started from a small one instead of a copy of the host's.
   unshare(CLONE_NEWNS) copies the whole host table, the propagation change of "/" and the old
   root's detach at pivot_root walk it again, and the namespace's end frees it: all in proportion
   to the host's mounts (thousands on a busy node). Here the init clones only what it needs while
   still in the host's namespace (the rootfs, each bind source, the pod's proc pin, /proc and
   /dev/null for its own use before pivot_root), joins corrald's empty-root namespace, unshares a
   copy of that (one mount), and stages the clones on a private tmpfs root. The rest of the setup
   runs unchanged on the staged paths. Propagation is what the copy of the host's tree would have
   had: each clone made private, slave or left shared as rootfs.c does to "/" (root_propagation). */
#define _GNU_SOURCE
#include "mount_base.h"
#include "rootfs.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#define STAGE_ROOTFS "/rootfs"
#define STAGE_PROC_PIN "/procpin"
#define STAGE_BINDS "/binds"

/* Longest staged bind path: "/binds/" and a decimal index. */
#define STAGED_PATH_MAX 32

int mount_base_valid(int fd)
{
	return fd >= 0 && ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNS;
}

int mount_base_fits(const struct spec *s)
{
	/* A pod's user namespace builds the rootfs from the host's paths (idmapped layers and
	   binds), and chroot mode moves the rootfs onto "/": both keep the copy of the host's. */
	return s->userns.mode == NS_HOST && !s->chroot_mode;
}

static int is_plain_bind(const struct mount_entry *m)
{
	return strcmp(m->type, "bind") == 0 && !m->idmap;
}

static int clone_tree(const char *path, unsigned flags, const char *what, struct err *err)
{
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags);
	return tree < 0 ? fail(err, errno, "%s %s", what, path) : tree;
}

/* The propagation the copy of the host's tree would have been given (rootfs.c). */
static int set_propagation(int tree, unsigned long propagation, struct err *err)
{
	unsigned long type = propagation & (MS_PRIVATE | MS_SLAVE | MS_SHARED);
	if (type == MS_SHARED)
		return 0;   /* a clone of a shared mount is already its peer, as the copy's would be */
	struct mount_attr attr = { .propagation = type };
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
		return fail(err, errno, "set propagation of a staged mount");
	return 0;
}

struct clones {
	int proc, null, rootfs, pin;
	int *binds;   /* per spec mount, -1 unless a plain bind */
};

static void close_clones(struct clones *c, size_t n)
{
	int *all[] = { &c->proc, &c->null, &c->rootfs, &c->pin };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (*all[i] >= 0)
			close(*all[i]);
	for (size_t i = 0; c->binds && i < n; i++)
		if (c->binds[i] >= 0)
			close(c->binds[i]);
	free(c->binds);
}

/* In the host's namespace: everything the setup reads from it, as detached trees. The errors
   name the host's paths, as the setup's own would. */
static int take_clones(const struct spec *s, struct clones *c, struct err *err)
{
	unsigned long propagation = root_propagation(s);
	c->proc = c->null = c->rootfs = c->pin = -1;
	c->binds = malloc((s->n_mounts ? s->n_mounts : 1) * sizeof *c->binds);
	if (!c->binds)
		return fail(err, ENOMEM, "stage mounts");
	for (size_t i = 0; i < s->n_mounts; i++)
		c->binds[i] = -1;
	if ((c->proc = clone_tree("/proc", 0, "clone", err)) < 0 || (c->null = clone_tree("/dev/null", 0, "clone", err)) < 0 ||
	    (c->rootfs = clone_tree(s->rootfs, AT_RECURSIVE, "open rootfs", err)) < 0 ||
	    set_propagation(c->rootfs, propagation, err) < 0)
		return -1;
	if (s->proc_pin && (c->pin = clone_tree(s->proc_pin, AT_SYMLINK_NOFOLLOW, "clone the pod's /proc", err)) < 0)
		return -1;
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (!is_plain_bind(&s->mounts[i]))
			continue;
		if ((c->binds[i] = clone_tree(s->mounts[i].source, AT_RECURSIVE, "bind source", err)) < 0 ||
		    set_propagation(c->binds[i], propagation, err) < 0)
			return -1;
	}
	return 0;
}

/* A writable, private tmpfs on top of the namespace's read-only root, chrooted into: pivot_root
   and a detach of the root below would wait out an RCU grace period for nothing (rootfs.c's
   pivot_root moves this root away later anyway). */
static int enter_scratch_root(struct err *err)
{
	cleanup_fd int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "64k", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "make the staging tmpfs");
	cleanup_fd int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return fail(err, errno, "mount the staging tmpfs");
	/* Stacked on "/", entered through its own fd (a lookup of "/" would stay below it). */
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0 || fchdir(mnt) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		return fail(err, errno, "enter the staging tmpfs");
	return 0;
}

static int attach(int *tree, const char *at, int as_file, struct err *err)
{
	int rc = as_file ? open(at, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : mkdir(at, 0700);
	if (rc < 0)
		return fail(err, errno, "stage %s", at);
	if (as_file)
		close(rc);
	if (syscall(SYS_move_mount, *tree, "", AT_FDCWD, at, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(err, errno, "stage %s", at);
	close(*tree);
	*tree = -1;
	return 0;
}

static int is_file(int tree)
{
	struct stat st;
	return fstat(tree, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Stages the clones and points the spec at them; the bind sources keep their host names for
   errors (mount_entry.from). */
static int stage(struct spec *s, struct clones *c, char (*paths)[STAGED_PATH_MAX], struct err *err)
{
	if (mkdir("/dev", 0700) < 0 || mkdir(STAGE_BINDS, 0700) < 0)
		return fail(err, errno, "stage directories");
	if (attach(&c->proc, "/proc", 0, err) < 0 || attach(&c->null, "/dev/null", 1, err) < 0 ||
	    attach(&c->rootfs, STAGE_ROOTFS, 0, err) < 0)
		return -1;
	s->rootfs = STAGE_ROOTFS;
	if (c->pin >= 0) {
		if (attach(&c->pin, STAGE_PROC_PIN, is_file(c->pin), err) < 0)
			return -1;
		s->proc_pin = STAGE_PROC_PIN;
	}
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (c->binds[i] < 0)
			continue;
		snprintf(paths[i], STAGED_PATH_MAX, STAGE_BINDS "/%zu", i);
		if (attach(&c->binds[i], paths[i], is_file(c->binds[i]), err) < 0)
			return -1;
		s->mounts[i].from = paths[i];
	}
	return 0;
}

static int copy_mounts(struct spec *s, char (**paths)[STAGED_PATH_MAX], struct err *err)
{
	size_t n = s->n_mounts ? s->n_mounts : 1;
	struct mount_entry *mounts = malloc(n * sizeof *mounts);
	*paths = calloc(n, sizeof **paths);
	if (!mounts || !*paths) {
		free(mounts);
		return fail(err, ENOMEM, "stage mounts");
	}
	if (s->n_mounts)
		memcpy(mounts, s->mounts, s->n_mounts * sizeof *mounts);
	s->mounts = mounts;
	return 0;
}

int mount_base_enter(int base_fd, struct spec *s, struct err *err)
{
	struct clones c = { .binds = NULL };
	char (*paths)[STAGED_PATH_MAX] = NULL;
	int rc = -1;
	if (copy_mounts(s, &paths, err) < 0)
		return -1;   /* the init's own copy of the spec: it execs or exits soon, nothing is freed */
	if (take_clones(s, &c, err) < 0)
		goto out;
	if (setns(base_fd, CLONE_NEWNS) < 0 || unshare(CLONE_NEWNS) < 0) {
		fail(err, errno, "start from the empty-root mount namespace");
		goto out;
	}
	if (enter_scratch_root(err) < 0 || stage(s, &c, paths, err) < 0)
		goto out;
	rc = 0;
out:
	close_clones(&c, s->n_mounts);
	return rc;
}
