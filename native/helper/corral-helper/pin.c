/* Namespace pins: bind mounts of nsfs files that keep a namespace alive and joinable by path; and
   the pod's proc pin, a proc instance of its new pid namespace that containers joining it clone
   for their /proc from outside it (Linux before 6.15 has no other way to mount it from outside). */
#define _GNU_SOURCE
#include "helper.h"
#include "namespaces.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int pin_one(const char *pin_dir, pid_t pid, const char *name, struct err *err)
{
	char source[64], target[4096];
	snprintf(source, sizeof source, "/proc/%d/ns/%s", (int)pid, name);
	snprintf(target, sizeof target, "%s/%s", pin_dir, name);
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
	if (fd < 0)
		return fail(err, errno, "create pin %s", target);
	close(fd);
	if (mount(source, target, NULL, MS_BIND, NULL) < 0)
		return fail(err, errno, "pin %s", target);
	return 0;
}

/* In the pod's pid namespace, which holds only the pause yet (no container exists before this
   helper reports): a proc fs context, made here because proc shows the opener's pid namespace. */
static void open_proc_in_child(int sync_fd)
{
	struct err err = { 0 };
	int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0) {
		fail(&err, errno, "fsopen proc");
		sync_die(sync_fd, &err);
	}
	if (sync_send_fd(sync_fd, SYNC_PROCFS, fs, &err) < 0)
		_exit(1);
	_exit(0);
}

/* A proc fs context made by a short-lived child forked into the pid namespace pinned at ns_path
   (this process's own pid namespace for children is restored afterwards). */
static int proc_context_in(const char *ns_path, struct err *err)
{
	cleanup_fd int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	cleanup_fd int pod = open(ns_path, O_RDONLY | O_CLOEXEC);
	if (own < 0 || pod < 0)
		return fail(err, errno, "open pid namespaces");
	if (setns(pod, CLONE_NEWPID) < 0)
		return fail(err, errno, "setns %s", ns_path);
	int sync_fd;
	pid_t child = sync_fork(&sync_fd, err);
	if (child == 0)
		open_proc_in_child(sync_fd);
	int rc = setns(own, CLONE_NEWPID) < 0 ? fail(err, errno, "setns back to our pid namespace") : 0;
	if (child < 0)
		return -1;
	int fs = sync_recv_fd(sync_fd, SYNC_PROCFS, err);
	close(sync_fd);
	waitpid(child, NULL, 0);
	if (rc < 0 && fs >= 0)
		close(fs);
	return rc < 0 ? -1 : fs;
}

/* Created and mounted by this host-side process: its mount namespace is the host's, so the kernel
   does not ask for an already visible /proc, and nothing of the pod ever mounts it. */
static int pin_proc(const char *pin_dir, struct err *err)
{
	char ns_path[4096], target[4096];
	snprintf(ns_path, sizeof ns_path, "%s/pid", pin_dir);
	snprintf(target, sizeof target, "%s/proc", pin_dir);
	cleanup_fd int fs = proc_context_in(ns_path, err);
	if (fs < 0)
		return wrap(err, "pin /proc");
	/* The source reads "proc" in mountinfo, as mount(2) and runc name it (else "none"). */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "proc", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(err, errno, "create the pod's /proc");
	cleanup_fd int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
					  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return fail(err, errno, "fsmount the pod's /proc");
	if (mkdir(target, 0555) < 0)
		return fail(err, errno, "create pin %s", target);
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(err, errno, "pin %s", target);
	return 0;
}

int pin_namespaces(const struct spec *s, pid_t pid, struct err *err)
{
	if (!s->pin_dir)
		return fail(err, 0, "spec has no pin_dir");
	for (int i = 0; i < NS_KINDS; i++)
		if (s->ns[i].mode == NS_NEW && pin_one(s->pin_dir, pid, ns_names[i], err) < 0)
			return -1;
	if (s->userns.mode == NS_NEW && pin_one(s->pin_dir, pid, "user", err) < 0)
		return -1;
	return s->ns[NS_PID].mode == NS_NEW ? pin_proc(s->pin_dir, err) : 0;
}

/* Only what pin_namespaces made: a namespace the spec joins (the pod's network namespace, pinned
   before the infra starts) keeps its pin. */
void unpin_namespaces(const struct spec *s)
{
	char target[4096];
	if (!s->pin_dir)
		return;
	for (int i = 0; i < NS_KINDS; i++) {
		if (s->ns[i].mode != NS_NEW)
			continue;
		snprintf(target, sizeof target, "%s/%s", s->pin_dir, ns_names[i]);
		umount2(target, MNT_DETACH);
		unlink(target);
	}
	if (s->userns.mode == NS_NEW) {
		snprintf(target, sizeof target, "%s/user", s->pin_dir);
		umount2(target, MNT_DETACH);
		unlink(target);
	}
	if (s->ns[NS_PID].mode != NS_NEW)
		return;
	snprintf(target, sizeof target, "%s/proc", s->pin_dir);
	umount2(target, MNT_DETACH);
	rmdir(target);
}
