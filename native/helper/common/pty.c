/* A container process's terminal, from the container's /dev/ptmx. */
#define _GNU_SOURCE
#include "pty.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int pty_open_console(int sync_fd, struct err *err)
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
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return fail(err, errno, "set controlling terminal");
	int rc = sync_send_fd(sync_fd, SYNC_TTY, master, err);
	close(master);
	return rc;
}
