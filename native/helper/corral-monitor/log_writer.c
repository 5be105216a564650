/* The CRI log format: "<RFC3339Nano> <stdout|stderr> <P|F> <text>\n" per (partial) line. */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>

static const char *const stream_names[STREAMS] = { "stdout", "stderr" };

int log_open(struct log_writer *log, const char *path, struct err *err)
{
	log->fd = -1;
	if (strlen(path) >= sizeof log->path)
		return fail(err, ENAMETOOLONG, "log path");
	strcpy(log->path, path);
	return log_reopen(log, err);
}

int log_reopen(struct log_writer *log, struct err *err)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	if (!log->path[0])
		return 0;
	/* Never through a symlink (someone may have replaced the file between reopens); a FIFO or
	   device put in its place must not block the monitor either. */
	log->fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0640);
	if (log->fd < 0)
		return fail(err, errno, "open log %s", log->path);
	struct stat st;
	if (fstat(log->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(log->fd);
		log->fd = -1;
		return fail(err, EINVAL, "log %s is not a regular file", log->path);
	}
	return 0;
}

static void write_record(struct log_writer *log, enum log_stream_kind kind, const char *text, size_t len, int full)
{
	if (log->fd < 0)
		return;
	char head[TIMESTAMP_LEN + 16];
	size_t hlen = format_now(head);
	hlen += (size_t)snprintf(head + hlen, sizeof head - hlen, " %s %c ", stream_names[kind], full ? 'F' : 'P');
	struct iovec iov[3] = { { head, hlen }, { (void *)text, len }, { "\n", 1 } };
	/* A failed write (disk full) loses this record; the container must not block on its log. */
	if (writev(log->fd, iov, 3) < 0)
		return;
}

/* Emits every complete line in the buffer, and the buffer itself as P when it is full. */
static void emit_lines(struct log_writer *log, enum log_stream_kind kind)
{
	struct log_stream *st = &log->streams[kind];
	size_t start = 0;
	char *nl;
	while ((nl = memchr(st->buf + start, '\n', st->len - start))) {
		write_record(log, kind, st->buf + start, (size_t)(nl - (st->buf + start)), 1);
		start = (size_t)(nl - st->buf) + 1;
	}
	if (start == 0 && st->len == sizeof st->buf) {
		write_record(log, kind, st->buf, st->len, 0);
		start = st->len;
	}
	memmove(st->buf, st->buf + start, st->len - start);
	st->len -= start;
}

int log_feed(struct log_writer *log, enum log_stream_kind kind, int fd)
{
	struct log_stream *st = &log->streams[kind];
	ssize_t n;
	do
		n = read(fd, st->buf + st->len, sizeof st->buf - st->len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0)   /* EOF, or EIO on a pty whose other side is gone */
		return 0;
	st->len += (size_t)n;
	if (log->on_read)
		log->on_read(log->on_read_ctx, kind, st->buf + st->len - (size_t)n, (size_t)n);
	emit_lines(log, kind);
	return 1;
}

void log_flush(struct log_writer *log)
{
	for (int kind = 0; kind < STREAMS; kind++) {
		struct log_stream *st = &log->streams[kind];
		if (st->len)
			write_record(log, (enum log_stream_kind)kind, st->buf, st->len, 1);
		st->len = 0;
	}
}
