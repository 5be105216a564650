/* Attach: a control-socket client that sent "attach" receives the container's output as it is
   read and may send input and terminal sizes. Both directions use the same frames:
     <kind:1><length:4, big-endian><payload>
   monitor → client: kind 1 stdout, 2 stderr.
   client → monitor: kind 0 stdin bytes, 3 close the container's stdin (corrald sends it when
   the container's stdin is "once" and the client closed its side), 4 resize
   (payload: columns and rows, 2 bytes each, big-endian).
   A client that cannot keep up (its socket buffer is full) is disconnected rather than allowed
   to stall the container or the log. */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_HEADER 5

static void drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Sends one whole frame or disconnects the client. */
static void send_frame(struct client *c, int kind, const char *data, size_t len)
{
	unsigned char head[FRAME_HEADER] = { (unsigned char)kind, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
					      (unsigned char)(len >> 8), (unsigned char)len };
	struct iovec iov[2] = { { head, sizeof head }, { (void *)data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n != (ssize_t)(sizeof head + len))
		drop(c);
}

void attach_broadcast(void *ctx, enum log_stream_kind kind, const char *data, size_t len)
{
	struct monitor *m = ctx;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m->clients[i].fd >= 0 && m->clients[i].attached)
			send_frame(&m->clients[i], kind == STREAM_STDOUT ? 1 : 2, data, len);
}

static void apply_frame(struct monitor *m, int kind, const unsigned char *p, size_t len)
{
	if (kind == 0 && m->io.stdin_w >= 0) {
		/* Best effort: a container that does not read its stdin must not block the monitor. */
		while (len > 0) {
			ssize_t n = write(m->io.stdin_w, p, len);
			if (n <= 0)
				break;
			p += n;
			len -= (size_t)n;
		}
	} else if (kind == 3 && m->io.stdin_w >= 0 && m->io.err_r >= 0) {
		close(m->io.stdin_w);   /* pipes only: a pty's input end is its master */
		m->io.stdin_w = -1;
	} else if (kind == 4 && len == 4 && m->io.err_r < 0 && m->io.stdin_w >= 0) {
		struct winsize ws = { .ws_col = (unsigned short)(p[0] << 8 | p[1]), .ws_row = (unsigned short)(p[2] << 8 | p[3]) };
		ioctl(m->io.stdin_w, TIOCSWINSZ, &ws);
	}
}

/* Consumes whole frames from the client's buffer; returns bytes used. */
size_t attach_consume(struct monitor *m, struct client *c)
{
	size_t used = 0;
	while (c->len - used >= FRAME_HEADER) {
		const unsigned char *f = (const unsigned char *)c->buf + used;
		size_t len = (size_t)f[1] << 24 | (size_t)f[2] << 16 | (size_t)f[3] << 8 | f[4];
		if (len > sizeof c->buf - FRAME_HEADER) {
			drop(c);
			return 0;
		}
		if (c->len - used < FRAME_HEADER + len)
			break;
		apply_frame(m, f[0], f + FRAME_HEADER, len);
		used += FRAME_HEADER + len;
	}
	return used;
}
