/* Namespace entry for a new container or sandbox infra, split between parent and child. */
#define _GNU_SOURCE
#include "namespaces.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const int ns_clone_flags[NS_KINDS] = { CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWPID };
const char *const ns_names[NS_KINDS] = { "net", "ipc", "uts", "pid" };

static int write_file(const char *path, const char *data, struct err *err)
{
	cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errno, "open %s", path);
	size_t len = strlen(data);
	if (write(fd, data, len) != (ssize_t)len)
		return fail(err, errno, "write %s", path);
	return 0;
}

int cgroup_join(const struct strlist *files, pid_t pid, struct err *err)
{
	char text[24];
	snprintf(text, sizeof text, "%d", (int)pid);
	for (size_t i = 0; i < files->len; i++)
		if (write_file(files->items[i], text, err) < 0)
			return wrap(err, "join cgroup");
	return 0;
}

int write_id_maps(pid_t pid, const struct spec *s, struct err *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	if (write_file(path, s->uid_map ? s->uid_map : "", err) < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	return write_file(path, s->gid_map ? s->gid_map : "", err);
}

static int open_ns(const struct ns_setting *ns, int *fd, struct err *err)
{
	*fd = -1;
	if (ns->mode != NS_JOIN)
		return 0;
	*fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? fail(err, errno, "open namespace %s", ns->path) : 0;
}

static int enter_userns(const struct spec *s, int userfd, int sync_fd, struct err *err)
{
	char buf[8];
	if (userfd >= 0 && setns(userfd, CLONE_NEWUSER) < 0)
		return fail(err, errno, "setns user namespace %s", s->userns.path);
	if (s->userns.mode == NS_NEW) {
		if (unshare(CLONE_NEWUSER) < 0)
			return fail(err, errno, "unshare user namespace");
		if (sync_send(sync_fd, SYNC_USERNS, NULL, err) < 0 ||
		    sync_expect(sync_fd, SYNC_MAPPED, buf, sizeof buf, err) < 0)
			return -1;
	}
	if (s->userns.mode != NS_HOST && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return fail(err, errno, "become root in the user namespace");
	return 0;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Every namespace to join is opened before the user namespace is entered: its mapped root may no
   longer reach the pinned paths under corral's private directories. The user namespace is joined
   first so the others (owned by it) accept the setns. */
static int join_and_unshare(const struct spec *s, int sync_fd, int extra_unshare, int *deferred_userns, struct err *err)
{
	int fds[NS_KINDS + 1];
	for (int i = 0; i <= NS_KINDS; i++)
		fds[i] = -1;
	int rc = -1;
	for (int i = 0; i < NS_KINDS; i++)
		if (open_ns(&s->ns[i], &fds[i], err) < 0)
			goto out;
	if (open_ns(&s->userns, &fds[NS_KINDS], err) < 0)
		goto out;
	if (deferred_userns && fds[NS_KINDS] >= 0) {
		*deferred_userns = fds[NS_KINDS];   /* the caller joins it later with join_userns */
		fds[NS_KINDS] = -1;
	} else if (enter_userns(s, fds[NS_KINDS], sync_fd, err) < 0) {
		goto out;
	}
	int flags = extra_unshare;
	for (int i = 0; i < NS_KINDS; i++) {
		if (fds[i] >= 0 && setns(fds[i], ns_clone_flags[i]) < 0) {
			fail(err, errno, "setns %s", s->ns[i].path);
			goto out;
		}
		if (s->ns[i].mode == NS_NEW)
			flags |= ns_clone_flags[i];
	}
	if (flags && unshare(flags) < 0) {
		fail(err, errno, "unshare namespaces 0x%x", flags);
		goto out;
	}
	rc = 0;
out:
	close_all(fds, NS_KINDS + 1);
	return rc;
}

int join_userns(const struct spec *s, int userns_fd, struct err *err)
{
	return enter_userns(s, userns_fd, -1, err);
}

int join_namespaces(const struct spec *s, int sync_fd, int extra_unshare, int *deferred_userns, struct err *err)
{
	char buf[8];
	if (deferred_userns)
		*deferred_userns = -1;
	if (sync_expect(sync_fd, SYNC_GO, buf, sizeof buf, err) < 0)
		return -1;
	return join_and_unshare(s, sync_fd, extra_unshare, deferred_userns, err);
}

int fork_into_pid_namespace(const struct spec *s, int sync_fd, int tty_master, struct err *err)
{
	char buf[8], pidtext[24];
	pid_t pid = getpid();
	if (s->ns[NS_PID].mode != NS_HOST) {
		/* The pid namespace applies to children only: the next process is the init. It waits
		   (EOF on a pipe) until its pid is sent, so the parent sees PID before anything else. */
		int gate[2];
		if (pipe2(gate, O_CLOEXEC) < 0)
			return fail(err, errno, "pipe");
		pid = fork();
		if (pid < 0)
			return fail(err, errno, "fork into pid namespace");
		if (pid == 0) {
			close(gate[1]);
			while (read(gate[0], buf, 1) < 0 && errno == EINTR)
				;
			close(gate[0]);
			return 0;
		}
		snprintf(pidtext, sizeof pidtext, "%d", (int)pid);
		if (sync_send(sync_fd, SYNC_PID, pidtext, err) < 0 ||
		    (tty_master >= 0 && sync_send_fd(sync_fd, SYNC_TTY, tty_master, err) < 0))
			_exit(1);
		_exit(0);
	}
	snprintf(pidtext, sizeof pidtext, "%d", (int)pid);
	if (sync_send(sync_fd, SYNC_PID, pidtext, err) < 0)
		return -1;
	return tty_master >= 0 ? sync_send_fd(sync_fd, SYNC_TTY, tty_master, err) : 0;
}

int enter_namespaces(const struct spec *s, int sync_fd, int extra_unshare, int *deferred_userns, struct err *err)
{
	if (join_namespaces(s, sync_fd, extra_unshare, deferred_userns, err) < 0)
		return -1;
	return fork_into_pid_namespace(s, sync_fd, -1, err);
}

pid_t guide_namespaces(const struct spec *s, pid_t child, int sync_fd, struct err *err)
{
	char buf[64];
	if (cgroup_join(&s->cgroup_procs, child, err) < 0 || sync_send(sync_fd, SYNC_GO, NULL, err) < 0)
		return -1;
	if (s->userns.mode == NS_NEW) {
		if (sync_expect(sync_fd, SYNC_USERNS, buf, sizeof buf, err) < 0 || write_id_maps(child, s, err) < 0 ||
		    sync_send(sync_fd, SYNC_MAPPED, NULL, err) < 0)
			return -1;
	}
	if (sync_expect(sync_fd, SYNC_PID, buf, sizeof buf, err) < 0)
		return -1;
	return (pid_t)atoi(buf + 1);
}
