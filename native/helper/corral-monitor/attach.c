/* Attach: clients of the control socket that asked for the container's stdio (see monitor.h). */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void attach_forward(void *ctx, enum log_stream_kind kind, const char *data, size_t len)
{
	struct monitor *m = ctx;
	int bit = kind == STREAM_STDOUT ? ATTACH_STDOUT : ATTACH_STDERR;
	unsigned char head[5] = { kind == STREAM_STDOUT ? '1' : '2' };
	put_be32(head + 1, (uint32_t)len);
	struct iovec iov[2] = { { head, sizeof head }, { (void *)data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &m->clients[i];
		if (c->fd < 0 || !(c->attach & bit))
			continue;
		/* Never block the container on a slow client, never send half a frame: a client that
		   cannot take a whole frame now is detached. */
		if (sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)(sizeof head + len))
			control_close(c);
	}
}

static void resize(struct monitor *m, const char *text)
{
	struct winsize ws = { 0 };
	if (m->tty && m->io.out_r >= 0 && sscanf(text, "%hu %hu", &ws.ws_col, &ws.ws_row) == 2)
		ioctl(m->io.out_r, TIOCSWINSZ, &ws);
}

static void close_stdin(struct monitor *m)
{
	if (m->io.stdin_w < 0)
		return;
	if (m->tty) {
		/* The pty stays the container's terminal: end-of-file there is VEOF (^D). */
		if (write(m->io.stdin_w, "\x04", 1) < 0)
			return;
		return;
	}
	close(m->io.stdin_w);
	m->io.stdin_w = -1;
}

static void handle_frame(struct monitor *m, struct client *c, char kind, const char *data, size_t len)
{
	if (!(c->attach & ATTACH_STDIN) && kind != 'r')
		return;
	if (kind == '0' && m->io.stdin_w >= 0) {
		/* A container that does not read its stdin loses what does not fit in the pipe. */
		if (write(m->io.stdin_w, data, len) < 0 && errno != EAGAIN)
			close_stdin(m);
	} else if (kind == 'c') {
		close_stdin(m);
	} else if (kind == 'r') {
		char text[32];
		size_t n = len < sizeof text - 1 ? len : sizeof text - 1;
		memcpy(text, data, n);
		text[n] = 0;
		resize(m, text);
	}
}

void attach_input(struct monitor *m, struct client *c)
{
	size_t pos = 0;
	while (c->len - pos >= 5) {
		unsigned char *h = (unsigned char *)c->buf + pos;
		uint32_t len = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
		if (len > ATTACH_FRAME_MAX) {
			control_close(c);
			return;
		}
		if (c->len - pos - 5 < len)
			break;
		handle_frame(m, c, (char)h[0], c->buf + pos + 5, len);
		if (c->fd < 0)
			return;
		pos += 5 + len;
	}
	memmove(c->buf, c->buf + pos, c->len - pos);
	c->len -= pos;
}
