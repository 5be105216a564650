/* ExecSync and streaming Exec: join a running container's namespaces, cgroup and root, then run
   one command with this helper's stdout/stderr. Reports "exit <code> [<signal>]" on fd 3.
   This process stays in the host's pid namespace; before it forks the command's process (which
   the container sees) it is already non-dumpable (main.c) and reduced to the command's identity,
   capabilities, no_new_privs and seccomp, so nothing visible inside ever holds more.
   Streaming exec passes one more fd, 4 (STREAM_FD): with the spec's tty flag it is a terminal
   (pty slave) that becomes the command's stdin, stdout, stderr and controlling terminal; with
   the stdin flag alone it is the command's stdin. Without either flag stdin is /dev/null. */
#define _GNU_SOURCE
#include "helper.h"
#include "namespaces.h"
#include "proc_stat.h"
#include "process.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The namespaces the target is in and we are not (setns into one's own user ns fails). */
static int namespaces_to_join(pid_t pid)
{
	static const struct { const char *name; int flag; } kinds[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC },
		{ "uts", CLONE_NEWUTS }, { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
	};
	int flags = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, kinds[i].name);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", kinds[i].name);
		if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
			flags |= kinds[i].flag;
	}
	return flags;
}

static pid_t exec_child;

#define STREAM_FD 4

/* corrald's timeout: SIGTERM to this helper kills the command's whole process group. */
static void on_term(int sig)
{
	(void)sig;
	if (exec_child > 0)
		kill(-exec_child, SIGKILL);
}

/* Runs in the container's pid namespace, so the container sees it: it is already exactly what
   the command may be (run_exec reduced it before the fork) and only arranges stdio and execs. */
static void run_child(const struct spec *s, int devnull)
{
	struct err err = { 0 };
	if (s->tty) {
		/* A new session whose controlling terminal is the pty: job control and ^C work. */
		setsid();
		for (int fd = 0; fd < 3; fd++)
			dup2(STREAM_FD, fd);
		ioctl(0, TIOCSCTTY, 0);
	} else {
		setpgid(0, 0);
		dup2(s->open_stdin ? STREAM_FD : devnull, 0);
	}
	syscall(SYS_close_range, 3, ~0U, 0);
	/* The credentials are final: the parent death signal survives from here to the execve.
	   (getppid() cannot tell whether the parent already died: it is outside our pid namespace.) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(137);
	exec_process(s, &err);
	/* The command's own stderr, like a shell reporting "not found". */
	dprintf(2, "corral exec: %s\n", err.msg);
	_exit(err.code == ENOENT ? 127 : 126);
}

/* Everything the command needs that the container must not watch happen: its root and cwd,
   limits, identity, capabilities, no_new_privs and seccomp, all while this process is still
   outside the container's pid namespace. */
static int become_command(const struct spec *s, int rootfd, struct err *err)
{
	if (fchdir(rootfd) < 0 || chroot(".") < 0)
		return fail(err, errno, "enter the container's root");
	if (chdir(s->cwd) < 0)
		return fail(err, errno, "chdir %s", s->cwd);
	if (apply_rlimits(s, err) < 0)
		return -1;
	return drop_privileges(s, 0, err);
}

/* A setup failure is the command's, as before the fork: its message on the command's stderr. */
static int setup_failed(const struct err *err)
{
	dprintf(2, "corral exec: %s\n", err->msg);
	dprintf(3, "exit 126\n");
	return 0;
}

int run_exec(const struct spec *s, struct err *err)
{
	char path[64];
	cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, s->target_pid, 0);
	if (pidfd < 0)
		return fail(err, errno, "pidfd_open %d", (int)s->target_pid);
	if (check_start_time(s->target_pid, s->target_start, err) < 0)
		return -1;
	if (cgroup_join(&s->cgroup_procs, getpid(), err) < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/root", (int)s->target_pid);
	cleanup_fd int rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return fail(err, errno, "open %s", path);
	cleanup_fd int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0)
		return fail(err, errno, "open /dev/null");
	/* The user namespace last: a container's mount namespace may be owned by the host's. The pid
	   namespace applies to our children only: this process itself is never visible inside. */
	int flags = namespaces_to_join(s->target_pid);
	if ((flags & ~CLONE_NEWUSER) && setns(pidfd, flags & ~CLONE_NEWUSER) < 0)
		return fail(err, errno, "setns into container (0x%x)", flags & ~CLONE_NEWUSER);
	if ((flags & CLONE_NEWUSER) && setns(pidfd, CLONE_NEWUSER) < 0)
		return fail(err, errno, "setns into the container's user namespace");
	struct sigaction term = { .sa_handler = on_term };
	sigaction(SIGTERM, &term, NULL);
	struct err setup = { 0 };
	if (become_command(s, rootfd, &setup) < 0)
		return setup_failed(&setup);
	pid_t child = fork();
	if (child < 0) {
		/* As the command's identity (RLIMIT_NPROC reached, say): the command could not start. */
		fail(&setup, errno, "fork");
		return setup_failed(&setup);
	}
	if (child == 0)
		run_child(s, devnull);
	exec_child = child;
	if (!s->tty)
		setpgid(child, child);   /* also here: a SIGTERM may come before the child ran setpgid */
	if (s->tty || s->open_stdin)
		close(STREAM_FD);        /* the command's alone: its EOF and hangup must not wait for us */
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return fail(err, errno, "wait");
	if (WIFSIGNALED(status))
		dprintf(3, "exit %d SIG%s\n", 128 + WTERMSIG(status), sigabbrev_np(WTERMSIG(status)));
	else
		dprintf(3, "exit %d\n", WEXITSTATUS(status));
	return 0;
}
