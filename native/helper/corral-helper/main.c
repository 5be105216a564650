/* corral-helper entry: picks the mode from argv[1]; failures become "error <why>" on stdout
   (infra) or on fd 3 (exec, whose stdout belongs to the command). */
#define _GNU_SOURCE
#include "helper.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct spec s;
	struct err err = { 0 };
	const char *mode = argc > 1 ? argv[1] : "";
	int report_fd = strcmp(mode, "exec") == 0 ? 3 : 1;
	int rc = -1;
	if (spec_read(0, &s, &err) == 0) {
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
