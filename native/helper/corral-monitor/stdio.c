/* The init's stdio: pipes the monitor reads, or one pty whose master the monitor keeps. */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static int open_pty(struct stdio_fds *io, struct err *err)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return fail(err, errno, "open pty");
	char name[64];
	if (ptsname_r(master, name, sizeof name) != 0)
		return fail(err, errno, "ptsname");
	int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return fail(err, errno, "open %s", name);
	io->child[0] = io->child[1] = io->child[2] = slave;
	io->out_r = master;
	io->stdin_w = dup(master);
	return 0;
}

int stdio_create(const struct spec *s, struct stdio_fds *io, struct err *err)
{
	int out[2], errp[2], in[2];
	memset(io, -1, sizeof *io);
	if (s->tty)
		return open_pty(io, err);
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return fail(err, errno, "pipe");
	io->out_r = out[0];
	io->err_r = errp[0];
	io->child[1] = out[1];
	io->child[2] = errp[1];
	if (s->open_stdin) {
		if (pipe2(in, O_CLOEXEC) < 0)
			return fail(err, errno, "pipe");
		io->child[0] = in[0];
		io->stdin_w = in[1];
	} else if ((io->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		return fail(err, errno, "open /dev/null");
	}
	return 0;
}

void stdio_close_child_ends(struct stdio_fds *io)
{
	for (int i = 0; i < 3; i++) {
		if (io->child[i] >= 0 && (i == 0 || io->child[i] != io->child[i - 1]))
			close(io->child[i]);
		io->child[i] = -1;
	}
	fcntl(io->out_r, F_SETFL, O_NONBLOCK);
	if (io->stdin_w >= 0)
		fcntl(io->stdin_w, F_SETFL, O_NONBLOCK);   /* attach input is best effort, never blocking */
	if (io->err_r >= 0)
		fcntl(io->err_r, F_SETFL, O_NONBLOCK);
}
