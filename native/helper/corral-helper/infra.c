/* The sandbox infra: a process that holds the pod's new namespaces, then becomes corral-pause
   (whose sealed copy corrald passes as fd 3) in the empty-root mount namespace (fd 4, optional). Reports "ok <infra-pid>" once the namespaces are
   pinned and the pause program runs; the infra then lives on without this helper. */
#define _GNU_SOURCE
#include "helper.h"
#include "mounts.h"
#include "namespaces.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAUSE_FD 3
#define EMPTY_ROOT_FD 4

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int null_stdio(struct err *err)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		return fail(err, errno, "open /dev/null");
	for (int i = 0; i < 3; i++)
		dup2(null, i);
	if (null > 2)
		close(null);
	return 0;
}

/* The pause program needs no privilege at all: empty bounding set (so execve as root grants
   nothing), no capabilities, no_new_privs. */
static int drop_everything(struct err *err)
{
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return fail(err, errno, "drop capability %d from the bounding set", cap);
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct none[2] = { 0 };
	if (syscall(SYS_capset, &header, none) < 0)
		return fail(err, errno, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return fail(err, errno, "clear ambient capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errno, "set no_new_privs");
	return 0;
}

/* A namespace to join (the pod's network namespace, which corrald pins before the infra starts)
   is joined while its path still resolves, before the empty-root mount namespace: from then on it
   counts as entered. Not a pid namespace: joining one takes a fork, which enter_namespaces does. */
static int join_pinned(struct spec *s, struct err *err)
{
	for (int i = 0; i < NS_KINDS; i++) {
		if (i == NS_PID || s->ns[i].mode != NS_JOIN)
			continue;
		cleanup_fd int fd = open(s->ns[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(err, errno, "open namespace %s", s->ns[i].path);
		if (setns(fd, ns_clone_flags[i]) < 0)
			return fail(err, errno, "setns %s", s->ns[i].path);
		s->ns[i].mode = NS_HOST;
	}
	return 0;
}

static int prepare(const struct spec *spec, int sync_fd, int empty_root, struct err *err)
{
	struct spec own = *spec;
	const struct spec *s = &own;
	if (null_stdio(err) < 0 || setsid() < 0 || join_pinned(&own, err) < 0)
		return -1;
	/* The host's root stays reachable through this descriptor for the sysctls below. */
	cleanup_fd int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail(err, errno, "open /");
	/* The empty-root mount namespace is joined while this is still the host's root: a pod's own
	   user namespace could not join it (a mount namespace of the host's user namespace), and a
	   namespace of its own would start as a copy of the host's mount table. */
	if (empty_root >= 0 && join_empty_root(empty_root, err) < 0)
		return -1;
	if (enter_namespaces(s, sync_fd, 0, NULL, err) < 0)
		return -1;
	if (s->hostname && s->hostname[0] && s->ns[NS_UTS].mode == NS_NEW &&
	    sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(err, errno, "sethostname %s", s->hostname);
	if (write_sysctls(rootfd, s, err) < 0)
		return -1;
	/* Only the sync socket (CLOEXEC already) and the pause program stay open until execve. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (empty_root < 0 && enter_empty_root(err) < 0)
		return -1;
	return drop_everything(err);
}

static void run_child(const struct spec *s, int sync_fd, int empty_root)
{
	static char *const argv[] = { "corral-pause", NULL };
	static char *const envp[] = { NULL };
	struct err err = { 0 };
	if (prepare(s, sync_fd, empty_root, &err) < 0)
		sync_die(sync_fd, &err);
	if (sync_send(sync_fd, SYNC_READY, NULL, &err) < 0)
		_exit(1);
	/* The sync socket closes at execve: the parent reads that EOF as "pause is running". */
	syscall(SYS_execveat, PAUSE_FD, "", argv, envp, AT_EMPTY_PATH);
	fail(&err, errno, "exec corral-pause");
	sync_die(sync_fd, &err);
}

/* After READY: EOF once the pause program runs (the socket was CLOEXEC), or the exec's error. */
static int expect_exec(int sync_fd, struct err *err)
{
	char buf[600];
	int got = sync_recv(sync_fd, buf, sizeof buf, err);
	if (got < 0)
		return -1;
	if (got == SYNC_ERROR)
		return fail(err, 0, "%s", buf + 1);
	return got == 0 ? 0 : fail(err, 0, "unexpected sync message '%c'", got);
}

int run_infra(const struct spec *s, struct err *err)
{
	int sync_fd;
	char buf[600];
	if (fcntl(PAUSE_FD, F_GETFD) < 0)
		return fail(err, errno, "no corral-pause program on fd %d", PAUSE_FD);
	/* Checked before anything here opens a descriptor that could take its number. */
	int empty_root = fcntl(EMPTY_ROOT_FD, F_GETFD) >= 0 ? EMPTY_ROOT_FD : -1;
	pid_t child = sync_fork(&sync_fd, err);
	if (child < 0)
		return -1;
	if (child == 0)
		run_child(s, sync_fd, empty_root);
	close(PAUSE_FD);
	if (empty_root >= 0)
		close(empty_root);
	pid_t infra = guide_namespaces(s, child, sync_fd, err);
	if (infra < 0 || sync_expect(sync_fd, SYNC_READY, buf, sizeof buf, err) < 0 || pin_namespaces(s, infra, err) < 0 ||
	    expect_exec(sync_fd, err) < 0) {
		kill(child, SIGKILL);
		if (infra > 0)
			kill(infra, SIGKILL);
		unpin_namespaces(s);
		return wrap(err, "start sandbox infra");
	}
	if (infra != child)
		waitpid(child, NULL, 0);   /* the intermediate that made the pid namespace */
	printf("ok %d\n", (int)infra);
	return 0;
}
