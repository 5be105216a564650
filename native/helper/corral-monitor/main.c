/* corral-monitor entry: read the container spec from stdin, detach, create the init, report
   "ok <monitor-pid> <init-pid>" (or "error <why>") on stdout, then serve until the init exits.
   "corral-monitor mount-base": fd 3 is corrald's empty-root mount namespace, which the init's
   own starts from (mount_base.c). */
#define _GNU_SOURCE
#include "monitor.h"
#include "mount_base.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

static void report(const char *fmt, const char *text, long a, long b)
{
	char line[700];
	int len = snprintf(line, sizeof line, fmt, text, a, b);
	if (write(1, line, (size_t)len) < 0) {
		/* corrald is gone; it will find the monitor through the bundle */
	}
}

static int setup(struct monitor *m, const struct spec *s, int mount_base, struct err *err)
{
	if (!s->bundle || strlen(s->bundle) >= sizeof m->bundle)
		return fail(err, 0, "missing or too long bundle path");
	if (!s->rootfs || s->args.len == 0)
		return fail(err, 0, "spec needs a rootfs and a command");
	strcpy(m->bundle, s->bundle);
	m->sync_fd = m->listen_fd = m->signal_fd = -1;
	m->mount_base = mount_base;
	for (int i = 0; i < MAX_CLIENTS; i++)
		m->clients[i].fd = -1;
	m->log.on_read = attach_broadcast;
	m->log.on_read_ctx = m;
	if (log_open(&m->log, s->log_path ? s->log_path : "", err) < 0 || control_listen(m, err) < 0)
		return -1;
	return stdio_create(s, &m->io, err);
}

static int watch_signals(struct monitor *m, struct err *err)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	m->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->signal_fd < 0)
		return fail(err, errno, "signalfd");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return fail(err, errno, "become subreaper");
	return 0;
}

static void quiet_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3 && null >= 0; i++)
		dup2(null, i);
	if (null > 2)
		close(null);
}

/* Fd 3 when corrald passed one and it is a mount namespace; else -1 (and fd 3 closed). */
static int take_mount_base(int argc, char **argv)
{
	int given = argc > 1 && strcmp(argv[1], "mount-base") == 0;
	if (given && mount_base_valid(3) && fcntl(3, F_SETFD, FD_CLOEXEC) == 0)
		return 3;
	close(3);
	return -1;
}

int main(int argc, char **argv)
{
	static struct monitor m;
	struct spec s;
	struct err err = { 0 };
	/* Only fds 0-2 (and corrald's mount namespace) are ours: whatever else corrald's parent
	   leaked into corrald goes now. */
	syscall(SYS_close_range, 4, ~0U, 0);
	int mount_base = take_mount_base(argc, argv);
	/* The init is forked from here and a container may watch it until its execve. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	if (spec_read(0, &s, &err) < 0 || setup(&m, &s, mount_base, &err) < 0) {
		report("error %s\n", err.msg, 0, 0);
		return 1;
	}
	detach();
	if (watch_signals(&m, &err) < 0 || spawn_init(&s, &m, &err) < 0) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/%s", m.bundle, CONTROL_SOCKET);
		unlink(path);
		report("error %s\n", err.msg, 0, 0);
		return 1;
	}
	oom_watch_open(&m.oom, &s.cgroup_procs);   /* the init is in its cgroups now */
	report("ok%s %ld %ld\n", "", (long)getpid(), (long)m.init_pid);
	quiet_stdio();
	spec_free(&s);
	monitor_loop(&m);
}
