/* The control socket <bundle>/ctl.sock: one line per command, one line per answer.
     start   → "ok <startedAt>" once execve happened, or "error <why>"
     reopen  → "ok" once the log file is reopened
     wait    → no answer; the connection closes when the container has exited */
#define _GNU_SOURCE
#include "monitor.h"
#include "sync.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int control_listen(struct monitor *m, struct err *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", m->bundle, CONTROL_SOCKET) >=
	    sizeof addr.sun_path)
		return fail(err, ENAMETOOLONG, "control socket path in %s", m->bundle);
	unlink(addr.sun_path);
	m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->listen_fd < 0)
		return fail(err, errno, "socket");
	if (bind(m->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(m->listen_fd, 8) < 0)
		return fail(err, errno, "listen on %s", addr.sun_path);
	return 0;
}

void control_accept(struct monitor *m)
{
	int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i].fd < 0) {
			m->clients[i] = (struct client){ .fd = fd };
			return;
		}
	close(fd);   /* too many at once: the caller retries */
}

void control_reply(struct client *c, const char *text)
{
	if (c->fd >= 0 && send(c->fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* the caller went away; nothing to tell it */
	}
}

static void close_client(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

static void command_start(struct monitor *m, struct client *c)
{
	struct err err = { 0 };
	char reply[600];
	switch (m->start) {
	case START_WAITING:
		if (sync_send(m->sync_fd, SYNC_START, NULL, &err) < 0) {
			snprintf(reply, sizeof reply, "error %s\n", err.msg);
			control_reply(c, reply);
			return;
		}
		format_now(m->started_at);
		m->start = START_RELEASED;
		c->wants_start = 1;
		return;
	case START_RELEASED:
		c->wants_start = 1;
		return;
	case START_DONE:
		snprintf(reply, sizeof reply, "ok %s\n", m->started_at);
		control_reply(c, reply);
		return;
	case START_FAILED:
		snprintf(reply, sizeof reply, "error %s\n", m->start_error);
		control_reply(c, reply);
		return;
	}
}

static void run_command(struct monitor *m, struct client *c, const char *line)
{
	struct err err = { 0 };
	char reply[600];
	if (strcmp(line, "start") == 0) {
		command_start(m, c);
	} else if (strcmp(line, "reopen") == 0) {
		if (log_reopen(&m->log, &err) < 0)
			snprintf(reply, sizeof reply, "error %s\n", err.msg);
		else
			snprintf(reply, sizeof reply, "ok\n");
		control_reply(c, reply);
	} else if (strcmp(line, "wait") == 0) {
		c->wants_exit = 1;
	} else {
		control_reply(c, "error unknown command\n");
	}
}

void control_read(struct monitor *m, struct client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close_client(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = 0;
	char *nl;
	while ((nl = strchr(c->buf, '\n'))) {
		*nl = 0;
		run_command(m, c, c->buf);
		c->len -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len + 1);
	}
	if (c->len == sizeof c->buf - 1)
		close_client(c);   /* no command is that long */
}
