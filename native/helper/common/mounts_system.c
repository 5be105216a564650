/* /proc and /sys inside the rootfs. */
#define _GNU_SOURCE
#include "mounts.h"
#include "path.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/stat.h>
#include <linux/mount.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A proc instance already bound to the pid namespace the next child will enter, or -1. */
static int proc_for_children = -1;
/* Inode number of every proc instance's root directory. */
#define PROC_ROOT_INO 1

/* A detached clone of another mount namespace's /proc (proc_clone_from), or -1. */
static int cloned_proc = -1;

int proc_prepare_for_children(void)
{
	cleanup_fd int ns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	int fs = ns < 0 ? -1 : (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	/* "pidns" (Linux 6.15): older kernels refuse it, and the caller then mounts from inside. The
	   source reads "proc" in mountinfo, as mount(2) and runc name it (else "none"). */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, ns) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "proc", 0) < 0) {
		close(fs);
		return -1;
	}
	proc_for_children = fs;
	return 0;
}

/* Puts a detached proc mount (a clone or a new instance) on the container's /proc. */
static int attach_proc(int tree, int dir, struct err *err)
{
	if (syscall(SYS_move_mount, tree, "", dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(err, errno, "mount /proc");
	return 0;
}

/* The pod's proc instance, pinned on the host when its pid namespace was made (corral-helper
   infra): a plain clone of it, as a bind mount keeps its nosuid,nodev,noexec. */
static int clone_proc_pin(const char *pin, int dir, struct err *err)
{
	cleanup_fd int tree = (int)syscall(SYS_open_tree, AT_FDCWD, pin, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (tree < 0)
		return fail(err, errno, "clone the pod's /proc %s", pin);
	struct statfs fs;
	if (fstatfs(tree, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		return fail(err, 0, "%s is not the pod's /proc (gone with a stopped pod?)", pin);
	return attach_proc(tree, dir, err);
}

/* Whether tree is the root of a proc instance whose pid 1 is in the pid namespace our children join. */
static int shows_pid_ns_for_children(int tree)
{
	struct statfs fs;
	struct stat root, theirs, ours;
	return fstatfs(tree, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC && fstat(tree, &root) == 0 &&
	       root.st_ino == PROC_ROOT_INO && fstatat(tree, "1/ns/pid", &theirs, 0) == 0 &&
	       stat("/proc/self/ns/pid_for_children", &ours) == 0 && theirs.st_ino == ours.st_ino &&
	       theirs.st_dev == ours.st_dev;
}

/* open_tree of a path in another mount namespace fails before Linux 6.x: enter it, clone, return. */
static int clone_proc_of(int target_ns, struct err *err)
{
	cleanup_fd int own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return fail(err, errno, "open our mount namespace");
	if (setns(target_ns, CLONE_NEWNS) < 0)
		return fail(err, errno, "enter the target's mount namespace");
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_IN_ROOT };
	int dir = (int)syscall(SYS_openat2, AT_FDCWD, "/proc", &how, sizeof how);
	int tree = dir < 0 ? -1 : (int)syscall(SYS_open_tree, dir, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	int saved = errno;
	if (dir >= 0)
		close(dir);
	if (setns(own, CLONE_NEWNS) < 0) {
		if (tree >= 0)
			close(tree);
		return fail(err, errno, "back to our mount namespace");
	}
	return tree < 0 ? fail(err, saved, "clone the target's /proc") : tree;
}

int proc_clone_from(const char *mnt_ns_path, struct err *err)
{
	cleanup_fd int ns = open(mnt_ns_path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return fail(err, errno, "open %s", mnt_ns_path);
	int tree = clone_proc_of(ns, err);
	if (tree < 0)
		return -1;
	if (!shows_pid_ns_for_children(tree)) {
		close(tree);
		return fail(err, 0, "the target's /proc does not show its pid namespace");
	}
	cloned_proc = tree;
	return 0;
}

static int mount_proc(int dir, const struct spec *s, struct err *err)
{
	char buf[32];
	if (s->proc_pin)
		return clone_proc_pin(s->proc_pin, dir, err);
	if (cloned_proc >= 0) {
		cleanup_fd int tree = cloned_proc;
		cloned_proc = -1;
		return attach_proc(tree, dir, err);
	}
	if (proc_for_children < 0) {
		if (mount("proc", fd_path(dir, buf), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return fail(err, errno, "mount /proc");
		return 0;
	}
	cleanup_fd int fs = proc_for_children;
	proc_for_children = -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "create /proc");
	cleanup_fd int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
					  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return fail(err, errno, "fsmount /proc");
	return attach_proc(mnt, dir, err);
}

int mount_proc_and_sys(int rootfd, const struct spec *s, struct err *err)
{
	char buf[32];
	cleanup_fd int proc = make_in_root(rootfd, "/proc", 0, err);
	if (proc < 0)
		return -1;
	if (mount_proc(proc, s, err) < 0)
		return -1;
	cleanup_fd int sys = make_in_root(rootfd, "/sys", 0, err);
	if (sys < 0)
		return -1;
	unsigned long ro = s->privileged ? 0 : MS_RDONLY;
	if (mount("sysfs", fd_path(sys, buf), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, NULL) == 0)
		return 0;
	/* A sysfs of the host's network namespace cannot be mounted from a user namespace: bind it. */
	if (errno != EPERM)
		return fail(err, errno, "mount /sys");
	if (mount("/sys", fd_path(sys, buf), NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(err, errno, "bind /sys");
	cleanup_fd int bound = open_in_root(rootfd, "/sys", 0, err);
	if (bound < 0)
		return -1;
	return ro ? remount_bind(fd_path(bound, buf), MS_RDONLY, err) : 0;
}
