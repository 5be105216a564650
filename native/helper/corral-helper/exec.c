/* Exec: join a running container's namespaces, cgroup and root, then run one command with this
   helper's stdout/stderr. Reports "exit <code> [<signal>]" on fd 3. Streaming exec adds the
   command's stdin on fd 4 (spec "stdin") and, with a tty (spec "tty"), relays between fd 4 / stdout
   and a pty opened inside the container, taking "<cols> <rows>" resize lines on fd 5. */
#define _GNU_SOURCE
#include "helper.h"
#include "namespaces.h"
#include "proc_stat.h"
#include "process.h"
#include "pty.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

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

/* corrald's timeout or a gone client: SIGTERM to this helper kills the command's process group
   (its session: the child calls setsid). */
static void on_term(int sig)
{
	(void)sig;
	if (exec_child > 0) {
		kill(-exec_child, SIGKILL);
		kill(exec_child, SIGKILL);
	}
}

static void take_stdin(const struct spec *s)
{
	int in = s->open_stdin ? dup(4) : open("/dev/null", O_RDONLY);
	if (in >= 0 && in != 0) {
		dup2(in, 0);
		close(in);
	}
}

static void run_child(const struct spec *s, int rootfd, int sync_fd)
{
	struct err err = { 0 };
	setsid();
	take_stdin(s);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (fchdir(rootfd) < 0 || chroot(".") < 0)
		fail(&err, errno, "enter the container's root");
	else if (chdir(s->cwd) < 0)
		fail(&err, errno, "chdir %s", s->cwd);
	else if ((!s->tty || pty_open_console(sync_fd, &err) == 0) && apply_rlimits(s, &err) == 0 &&
		 drop_privileges(s, SIGKILL, &err) == 0)
		exec_process(s, &err);
	/* The command's own stderr, like a shell reporting "not found". */
	dprintf(2, "corral exec: %s\n", err.msg);
	_exit(err.code == ENOENT ? 127 : 126);
}

static void apply_resize(int resize_fd, int master)
{
	char line[64];
	ssize_t n = read(resize_fd, line, sizeof line - 1);
	if (n <= 0)
		return;
	line[n] = 0;
	struct winsize ws = { 0 };
	if (sscanf(line, "%hu %hu", &ws.ws_col, &ws.ws_row) == 2)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Copies fd 4 → pty and pty → stdout until the pty closes (all its users exited). */
static void relay_tty(const struct spec *s, int sync_fd)
{
	struct err err;
	char buf[16384];
	int master = sync_recv_fd(sync_fd, SYNC_TTY, &err);
	if (master < 0)
		return;   /* the child failed before its pty: its exit status tells */
	struct pollfd fds[3] = { { master, POLLIN, 0 }, { s->open_stdin ? 4 : -1, POLLIN, 0 }, { 5, POLLIN, 0 } };
	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents & POLLIN)
			apply_resize(5, master);
		else if (fds[2].revents)
			fds[2].fd = -1;
		if (fds[0].revents) {
			ssize_t n = read(master, buf, sizeof buf);
			if (n <= 0 || write(1, buf, (size_t)n) < 0)
				break;
		}
		if (fds[1].revents) {
			ssize_t n = read(4, buf, sizeof buf);
			if (n <= 0) {
				/* the client closed stdin: end-of-file for a terminal is VEOF (^D) */
				if (write(master, "\x04", 1) < 0)
					break;
				fds[1].fd = -1;
			} else if (write(master, buf, (size_t)n) < 0) {
				break;
			}
		}
	}
	close(master);
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
	int flags = namespaces_to_join(s->target_pid);
	if (flags && setns(pidfd, flags) < 0)
		return fail(err, errno, "setns into container (0x%x)", flags);
	struct sigaction term = { .sa_handler = on_term };
	sigaction(SIGTERM, &term, NULL);
	int sync_fd;
	pid_t child = sync_fork(&sync_fd, err);
	if (child < 0)
		return -1;
	if (child == 0)
		run_child(s, rootfd, sync_fd);
	exec_child = child;
	if (s->tty)
		relay_tty(s, sync_fd);
	close(sync_fd);
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
