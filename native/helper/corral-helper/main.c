/* corral-helper entry: picks the mode from argv[1]; failures become "error <why>" on stdout
   (infra) or on fd 3 (exec, whose stdout belongs to the command). */
#define _GNU_SOURCE
#include "helper.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct spec s;
	struct err err = { 0 };
	const char *mode = argc > 1 ? argv[1] : "";
	int report_fd = strcmp(mode, "exec") == 0 ? 3 : 1;
	int rc = -1;
	/* Before anything else: every process this helper makes is seen by a container at some point,
	   and none may be ptraced or have its memory read as a host process (forks inherit this). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail(&err, errno, "set non-dumpable");
	else if (strcmp(mode, "empty-root") == 0)
		rc = run_empty_root(&err);
	else if (spec_read(0, &s, &err) == 0) {
		if (strcmp(mode, "infra") == 0)
			rc = run_infra(&s, &err);
		else if (strcmp(mode, "exec") == 0)
			rc = run_exec(&s, &err);
		else
			fail(&err, 0, "unknown mode '%s'", mode);
	}
	if (rc == 0)
		return 0;
	dprintf(report_fd, "error %s\n", err.msg);
	return 1;
}
