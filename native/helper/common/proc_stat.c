/* Start-time checks against pid reuse. */
#define _GNU_SOURCE
#include "proc_stat.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int check_start_time(pid_t pid, const char *expected, struct err *err)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errno, "open %s", path);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return fail(err, n < 0 ? errno : EIO, "read %s", path);
	buf[n] = 0;
	/* The command name (field 2) may hold spaces and parentheses: count from the last ')'. */
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return fail(err, 0, "cannot parse %s", path);
	size_t len = strcspn(p + 1, " ");
	if (!expected || strlen(expected) != len || strncmp(p + 1, expected, len) != 0)
		return fail(err, ESRCH, "process %d is not the one expected (start time differs)", (int)pid);
	return 0;
}
