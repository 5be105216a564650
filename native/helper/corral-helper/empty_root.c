/* The pause process's view of the filesystem: a mount namespace whose root is an empty, read-only
   tmpfs, so /proc/<pause>/root and /cwd show nothing of the host. corrald has one made once
   (corral-helper empty-root) and every pause joins it, before it enters a pod's user namespace; a
   pause makes its own only when corrald could not make that one. */
#define _GNU_SOURCE
#include "helper.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A detached read-only tmpfs: it needs no mount point on the host's tree to be made. */
static int empty_tmpfs(struct err *err)
{
	cleanup_fd int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return fail(err, errno, "fsopen tmpfs");
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "configure tmpfs");
	unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	return mnt < 0 ? fail(err, errno, "fsmount tmpfs") : mnt;
}

int enter_empty_root(struct err *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return fail(err, errno, "unshare mount namespace");
	/* Nothing done below may reach the host's mount table. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(err, errno, "make / private");
	cleanup_fd int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return fail(err, errno, "open old root");
	cleanup_fd int mnt = empty_tmpfs(err);
	if (mnt < 0)
		return -1;
	/* Stacked on /, entered through its own fd (a path lookup of "/" would stay below it). */
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(err, errno, "attach empty root");
	if (fchdir(mnt) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(err, errno, "pivot into empty root");
	/* pivot_root(".", ".") left the old root on top of the new one: detach it from there. */
	if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0)
		return fail(err, errno, "detach old root");
	return chdir("/") < 0 ? fail(err, errno, "chdir /") : 0;
}

int join_empty_root(int ns_fd, struct err *err)
{
	/* Joining costs nothing; a copy of the host's mount table, and detaching it again, cost in
	   proportion to the host's mounts. */
	int rc = setns(ns_fd, CLONE_NEWNS);
	close(ns_fd);
	if (rc < 0)
		return fail(err, errno, "join the empty-root mount namespace");
	return chdir("/") < 0 ? fail(err, errno, "chdir /") : 0;
}

int run_empty_root(struct err *err)
{
	char buf[64];
	if (enter_empty_root(err) < 0)
		return -1;
	/* corrald opens /proc/<this>/ns/mnt once it reads this line, then closes our stdin. */
	printf("ok\n");
	fflush(stdout);
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}
