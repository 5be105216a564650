/*
 * corral-probe: tries, in throw-away child processes, the kernel features corral needs and
 * prints one line per feature: "<name> ok" or "<name> missing <reason>".
 * It is a separate program because unshare of user and mount namespaces needs a
 * single-threaded caller, which Node is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

typedef int (*check_fn)(void);

/* Runs check in a child so nothing it changes touches this process; returns its errno or 0. */
static int in_child(check_fn check)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(check() == 0 ? 0 : (errno & 0xff));
	int status = 0;
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	if (WIFSIGNALED(status))
		return EFAULT;
	return WEXITSTATUS(status);
}

static void report(const char *name, int err)
{
	if (err == 0)
		printf("%s ok\n", name);
	else
		printf("%s missing %s\n", name, strerror(err));
}

static int unshare_flag;
/* A scratch directory made by the parent: children mount over it in their own mount namespace. */
static char scratch[] = "/tmp/corral-probe-XXXXXX";
static int try_unshare(void) { return unshare(unshare_flag); }

/* pivot_root into a private tmpfs, the way a container rootfs is entered. */
static int try_pivot_root(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (mount("tmpfs", scratch, "tmpfs", 0, "size=64k") < 0 || chdir(scratch) < 0)
		return -1;
	if (mkdir("old", 0700) < 0)
		return -1;
	return (int)syscall(SYS_pivot_root, ".", "old");
}

static int try_overlay(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (mount("tmpfs", scratch, "tmpfs", 0, "size=64k") < 0 || chdir(scratch) < 0)
		return -1;
	if (mkdir("l", 0700) < 0 || mkdir("u", 0700) < 0 || mkdir("w", 0700) < 0 || mkdir("m", 0700) < 0)
		return -1;
	return mount("overlay", "m", "overlay", 0, "lowerdir=l,upperdir=u,workdir=w");
}

static int try_seccomp(void)
{
	unsigned int action = SECCOMP_RET_KILL_PROCESS;
	return (int)syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

static int try_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	return fd < 0 ? -1 : 0;
}

static int try_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

int main(void)
{
	static const struct { const char *name; int flag; } namespaces[] = {
		{ "namespace.mount", CLONE_NEWNS },   { "namespace.uts", CLONE_NEWUTS },
		{ "namespace.ipc", CLONE_NEWIPC },    { "namespace.pid", CLONE_NEWPID },
		{ "namespace.network", CLONE_NEWNET }, { "namespace.user", CLONE_NEWUSER },
		{ "namespace.cgroup", CLONE_NEWCGROUP }, { "namespace.time", CLONE_NEWTIME },
	};
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdtemp(scratch) == NULL) {
		perror("corral-probe: mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < sizeof namespaces / sizeof namespaces[0]; i++) {
		unshare_flag = namespaces[i].flag;
		report(namespaces[i].name, in_child(try_unshare));
	}
	report("pivot_root", in_child(try_pivot_root));
	report("overlayfs", in_child(try_overlay));
	report("seccomp", in_child(try_seccomp));
	report("pidfd", in_child(try_pidfd));
	report("no_new_privs", in_child(try_no_new_privs));
	rmdir(scratch);
	return 0;
}
