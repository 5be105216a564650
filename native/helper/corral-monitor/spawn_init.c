/* The container's init: forked by the monitor (non-dumpable, main.c), it enters its namespaces
   and rootfs, drops privileges, forks into a shared pid namespace only then, reports READY,
   waits for START (the create/start split), then execs. */
#define _GNU_SOURCE
#include "monitor.h"
#include "mount_base.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/* Closes every fd from 3 up but the two kept (-1: none). */
static void close_all_but(int a, int b)
{
	int keep[2] = { a < b ? a : b, a < b ? b : a };
	unsigned from = 3;
	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

static int take_stdio(const struct stdio_fds *io, int sync_fd, int userns_fd, struct err *err)
{
	for (int i = 0; i < 3; i++)
		if (dup2(io->child[i], i) < 0)
			return fail(err, errno, "dup2 stdio %d", i);
	/* Nothing of the monitor's (log file, control socket) stays open where a container sharing
	   the pid namespace could reach it through /proc/<init>/fd; the rest closes at execve. */
	close_all_but(sync_fd, userns_fd);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	return 0;
}

/* Whether the init forks into its pid namespace only once its root, cwd and privileges are the
   container's (as runc's parent builds the mount namespace first), so a container sharing that
   namespace never sees it hold more. Its /proc then comes from outside: a clone of the pod's
   proc pin, fsconfig "pidns" (Linux 6.15), or else a clone of the target container's /proc; a
   target that does not show one fails the create rather than watch an init set up inside. A new
   pid namespace has nobody to see its init; there the init is inside to mount its /proc, as it
   must where none of these is there (a joined pid namespace corrald names no source for). */
static int fork_late(const struct spec *s, int *late, struct err *err)
{
	*late = 0;
	if (s->ns[NS_PID].mode == NS_HOST)
		*late = 1;
	if (s->ns[NS_PID].mode != NS_JOIN || *late)
		return 0;
	*late = 1;
	if (s->proc_pin || (!s->no_proc_pidns && proc_prepare_for_children() == 0))
		return 0;
	if (s->proc_mnt_ns)
		return proc_clone_from(s->proc_mnt_ns, err);
	*late = 0;
	return 0;
}

static int prepare(struct spec *s, int sync_fd, int mount_base, const struct stdio_fds *io, int *late,
		   int *tty_master, struct err *err)
{
	/* In a pod's user namespace the mount namespace is owned by the host's: the rootfs is built with
	   the host's privileges (idmapped layers, device nodes, paths under corral's private roots)
	   and rootfs_setup joins the user namespace only once the container's root is in place. */
	cleanup_fd int userns_fd = -1;
	int small = mount_base >= 0 && mount_base_fits(s);   /* else a copy of the host's namespace */
	if (join_namespaces(s, sync_fd, (small ? 0 : CLONE_NEWNS) | CLONE_NEWCGROUP, &userns_fd, err) < 0 ||
	    (small && mount_base_enter(mount_base, s, err) < 0) || take_stdio(io, sync_fd, userns_fd, err) < 0)
		return -1;
	if (fork_late(s, late, err) < 0)
		return -1;
	if (!*late && fork_into_pid_namespace(s, sync_fd, -1, err) < 0)
		return -1;
	apply_oom_score_adj(s);   /* through the host's /proc: the container's may not show us */
	umask(0);   /* device nodes and directories get exactly the modes asked for */
	if (rootfs_setup(s, userns_fd, err) < 0)
		return -1;
	umask(022);
	if (s->tty && (*tty_master = pty_open_console(err)) < 0)
		return -1;
	if (s->hostname && s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(err, errno, "sethostname");
	if (apply_rlimits(s, err) < 0)
		return -1;
	if (chdir(s->cwd) < 0)
		return fail(err, errno, "chdir %s", s->cwd);
	return 0;
}

/* After prepare and drop_privileges: the pid (forking into the pid namespace now if that was
   left for later) and the pty master go to the monitor, in that order. */
static int hand_over(const struct spec *s, int sync_fd, int late, int tty_master, struct err *err)
{
	if (late)
		return fork_into_pid_namespace(s, sync_fd, tty_master, err);
	return tty_master >= 0 ? sync_send_fd(sync_fd, SYNC_TTY, tty_master, err) : 0;
}

static void run_init(const struct spec *shared, int sync_fd, int mount_base, const struct stdio_fds *io)
{
	struct err err = { 0 };
	char buf[8];
	int late = 0, tty_master = -1;
	struct spec own = *shared;   /* prepare points it at staged paths (mount_base.c) */
	const struct spec *s = &own;
	reset_signals();
	/* As runc: identity, capabilities, no_new_privs and seccomp are final before the wait for
	   START, so a container sharing the pid namespace never sees this init hold more. */
	if (prepare(&own, sync_fd, mount_base, io, &late, &tty_master, &err) < 0 || drop_privileges(s, 0, &err) < 0 ||
	    hand_over(s, sync_fd, late, tty_master, &err) < 0)
		sync_die(sync_fd, &err);
	if (tty_master >= 0)
		close(tty_master);
	if (take_session(s->tty, &err) < 0 || sync_send(sync_fd, SYNC_READY, NULL, &err) < 0)
		sync_die(sync_fd, &err);
	if (sync_expect(sync_fd, SYNC_START, buf, sizeof buf, &err) < 0)
		_exit(127);   /* the monitor went away: never run the command */
	if (exec_process(s, &err) < 0)
		sync_die(sync_fd, &err);
	_exit(127);
}

int spawn_init(const struct spec *s, struct monitor *m, struct err *err)
{
	char buf[600];
	pid_t child = sync_fork(&m->sync_fd, err);
	if (child < 0)
		return -1;
	if (child == 0)
		run_init(s, m->sync_fd, m->mount_base, &m->io);
	if (m->mount_base >= 0)
		close(m->mount_base);
	m->mount_base = -1;
	stdio_close_child_ends(&m->io);
	m->init_pid = guide_namespaces(s, child, m->sync_fd, err);
	if (m->init_pid < 0 || (s->tty && pty_receive_console(m->sync_fd, &m->io, err) < 0) ||
	    sync_expect(m->sync_fd, SYNC_READY, buf, sizeof buf, err) < 0) {
		kill(child, SIGKILL);
		if (m->init_pid > 0)
			kill(m->init_pid, SIGKILL);
		return wrap(err, "create container init");
	}
	return 0;
}
