/* The init's stdio: pipes the monitor reads, or one pty whose master the monitor keeps. */
#define _GNU_SOURCE
#include "monitor.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int stdio_create(const struct spec *s, struct stdio_fds *io, struct err *err)
{
	int out[2], errp[2], in[2];
	memset(io, -1, sizeof *io);
	if (s->tty) {
		/* The pty comes from the container's own devpts later (pty_open_console); until then
		   the init holds /dev/null. */
		for (int i = 0; i < 3; i++)
			if ((io->child[i] = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
				return fail(err, errno, "open /dev/null");
		return 0;
	}
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
		if (io->child[i] >= 0)
			close(io->child[i]);
		io->child[i] = -1;
	}
	if (io->out_r >= 0)
		fcntl(io->out_r, F_SETFL, O_NONBLOCK);
	if (io->stdin_w >= 0)
		fcntl(io->stdin_w, F_SETFL, O_NONBLOCK);   /* attach input is best effort, never blocking */
	if (io->err_r >= 0)
		fcntl(io->err_r, F_SETFL, O_NONBLOCK);
}

int pty_open_console(struct err *err)
{
	/* /dev/ptmx of the container's devpts instance: the slave then has a name inside it. */
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || unlockpt(master) < 0)
		return fail(err, errno, "open /dev/ptmx");
	char name[64];
	if (ptsname_r(master, name, sizeof name) != 0)
		return fail(err, errno, "ptsname");
	int slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return fail(err, errno, "open %s", name);
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return fail(err, errno, "dup2 pty");
	if (slave > 2)
		close(slave);
	return master;
}

int take_session(int tty, struct err *err)
{
	if (setsid() < 0)
		return fail(err, errno, "setsid");
	if (tty && ioctl(0, TIOCSCTTY, 0) < 0)
		return fail(err, errno, "set controlling terminal");
	return 0;
}

int pty_receive_console(int sync_fd, struct stdio_fds *io, struct err *err)
{
	int master = sync_recv_fd(sync_fd, SYNC_TTY, err);
	if (master < 0)
		return -1;
	io->out_r = master;
	io->stdin_w = dup(master);   /* kept for attach */
	fcntl(master, F_SETFL, O_NONBLOCK);
	return 0;
}
