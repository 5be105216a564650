/* <bundle>/exit, written atomically: "exit_code=", "signal=", "started_at=", "finished_at=",
   "oom_kill=" lines. */
#define _GNU_SOURCE
#include "monitor.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int write_exit_file(const char *bundle, int status, const char *started_at, long oom_kills, struct err *err)
{
	char tmp[PATH_MAX], final[PATH_MAX], body[256], finished[TIMESTAMP_LEN + 1];
	format_now(finished);
	int len;
	if (WIFSIGNALED(status))
		len = snprintf(body, sizeof body, "exit_code=%d\nsignal=SIG%s\n", 128 + WTERMSIG(status),
			       sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "UNKNOWN");
	else
		len = snprintf(body, sizeof body, "exit_code=%d\n", WEXITSTATUS(status));
	if (started_at[0])
		len += snprintf(body + len, sizeof body - (size_t)len, "started_at=%s\n", started_at);
	len += snprintf(body + len, sizeof body - (size_t)len, "finished_at=%s\n", finished);
	if (oom_kills >= 0)
		len += snprintf(body + len, sizeof body - (size_t)len, "oom_kill=%ld\n", oom_kills);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", bundle, EXIT_FILE);
	snprintf(final, sizeof final, "%s/%s", bundle, EXIT_FILE);
	cleanup_fd int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, errno, "create %s", tmp);
	if (write(fd, body, (size_t)len) != len || fsync(fd) < 0)
		return fail(err, errno, "write %s", tmp);
	if (rename(tmp, final) < 0)
		return fail(err, errno, "rename %s", final);
	return 0;
}
