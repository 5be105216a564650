/* The monitor's poll loop: output → log, control commands, the init's start and exit. */
#define _GNU_SOURCE
#include "monitor.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static void answer_start(struct monitor *m, const char *text)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i].fd >= 0 && m->clients[i].wants_start) {
			control_reply(&m->clients[i], text);
			m->clients[i].wants_start = 0;
		}
}

/* The init closes its end at execve (EOF) or sends ERROR when it cannot start. */
static void handle_sync(struct monitor *m)
{
	struct err err = { 0 };
	char buf[600], reply[700];
	int type = sync_recv(m->sync_fd, buf, sizeof buf, &err);
	if (type < 0 && err.code == EAGAIN)
		return;
	if (type == SYNC_ERROR || type < 0) {
		snprintf(m->start_error, sizeof m->start_error, "%.500s", type < 0 ? err.msg : buf + 1);
		m->start = START_FAILED;
		m->started_at[0] = 0;
		snprintf(reply, sizeof reply, "error %s\n", m->start_error);
		answer_start(m, reply);
	} else if (type == 0 && m->start == START_RELEASED) {
		m->start = START_DONE;
		snprintf(reply, sizeof reply, "ok %s\n", m->started_at);
		answer_start(m, reply);
	} else if (type != 0) {
		return;   /* nothing else is expected once the init is ready */
	}
	close(m->sync_fd);
	m->sync_fd = -1;
}

static void drain_output(struct monitor *m)
{
	while (m->io.out_r >= 0 && log_feed(&m->log, STREAM_STDOUT, m->io.out_r) > 0)
		;
	while (m->io.err_r >= 0 && log_feed(&m->log, STREAM_STDERR, m->io.err_r) > 0)
		;
	log_flush(&m->log);
}

static void finish(struct monitor *m, int status)
{
	struct err err = { 0 };
	char path[PATH_MAX + 16];
	/* first: systemd may remove an emptied scope's cgroup any moment */
	oom_watch_final(&m->oom, WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (m->sync_fd >= 0) {
		fcntl(m->sync_fd, F_SETFL, O_NONBLOCK);
		handle_sync(m);
	}
	if (m->start == START_RELEASED)
		answer_start(m, "error the container exited before it started\n");
	drain_output(m);
	const char *started = m->start == START_DONE ? m->started_at : "";
	if (write_exit_file(m->bundle, status, started, m->oom.kills, &err) < 0) {
		/* corrald notices the missing exit file and the dead monitor; nothing better to do */
	}
	snprintf(path, sizeof path, "%s/%s", m->bundle, CONTROL_SOCKET);
	unlink(path);
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i].fd >= 0)
			close(m->clients[i].fd);
	_exit(0);
}

/* Returns 1 when the init has exited (status filled). */
static int handle_signals(struct monitor *m, int *status)
{
	struct signalfd_siginfo si;
	struct err err;
	int exited = 0;
	while (read(m->signal_fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGUSR1)
			log_reopen(&m->log, &err);
	}
	pid_t pid;
	int st;
	/* Reap everything: as a subreaper the monitor also inherits orphans of the container. */
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (pid == m->init_pid) {
			*status = st;
			exited = 1;
		}
	return exited;
}

static void handle_output(struct monitor *m, int *fd, enum log_stream_kind kind)
{
	if (log_feed(&m->log, kind, *fd) == 0) {
		close(*fd);
		*fd = -1;
	}
}

void monitor_loop(struct monitor *m)
{
	int status = 0;
	for (;;) {
		struct pollfd pfds[6 + MAX_CLIENTS];
		int fds[6] = { m->signal_fd, m->listen_fd, m->sync_fd, m->io.out_r, m->io.err_r, m->oom.notify_fd };
		for (int i = 0; i < 6; i++)
			pfds[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++)
			pfds[6 + i] = (struct pollfd){ .fd = m->clients[i].fd, .events = POLLIN };
		if (poll(pfds, 6 + MAX_CLIENTS, -1) < 0 && errno != EINTR)
			_exit(2);
		if (pfds[5].revents)
			oom_watch_event(&m->oom);
		if (pfds[2].revents)
			handle_sync(m);
		if (pfds[3].revents)
			handle_output(m, &m->io.out_r, STREAM_STDOUT);
		if (pfds[4].revents)
			handle_output(m, &m->io.err_r, STREAM_STDERR);
		if (pfds[1].revents)
			control_accept(m);
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (pfds[6 + i].revents && m->clients[i].fd >= 0)
				control_read(m, &m->clients[i]);
		if (pfds[0].revents && handle_signals(m, &status))
			finish(m, status);
	}
}
