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

int ns_join_path(const char *path, int nstype, struct err *err)
{
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errno, "open namespace %s", path);
	if (setns(fd, nstype) < 0)
		return fail(err, errno, "setns %s", path);
	return 0;
}

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

static int enter_userns(const struct spec *s, int sync_fd, struct err *err)
{
	char buf[8];
	if (s->userns.mode == NS_JOIN && ns_join_path(s->userns.path, CLONE_NEWUSER, err) < 0)
		return -1;
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

int enter_namespaces(const struct spec *s, int sync_fd, int extra_unshare, struct err *err)
{
	char buf[8], pidtext[24];
	if (sync_expect(sync_fd, SYNC_GO, buf, sizeof buf, err) < 0 || enter_userns(s, sync_fd, err) < 0)
		return -1;
	int flags = extra_unshare;
	for (int i = 0; i < NS_KINDS; i++) {
		if (s->ns[i].mode == NS_JOIN && ns_join_path(s->ns[i].path, ns_clone_flags[i], err) < 0)
			return -1;
		if (s->ns[i].mode == NS_NEW)
			flags |= ns_clone_flags[i];
	}
	if (flags && unshare(flags) < 0)
		return fail(err, errno, "unshare namespaces 0x%x", flags);
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
		if (sync_send(sync_fd, SYNC_PID, pidtext, err) < 0)
			_exit(1);
		_exit(0);
	}
	snprintf(pidtext, sizeof pidtext, "%d", (int)pid);
	return sync_send(sync_fd, SYNC_PID, pidtext, err);
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
