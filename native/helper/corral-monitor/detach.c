/* Double fork + setsid: the monitor must outlive corrald and never be its child. */
#define _GNU_SOURCE
#include "monitor.h"
#include <sys/wait.h>
#include <unistd.h>

void detach(void)
{
	pid_t middle = fork();
	if (middle < 0)
		_exit(1);
	if (middle > 0) {
		/* The original process: corrald waits for it; the grandchild reports on our stdout. */
		int status;
		waitpid(middle, &status, 0);
		_exit(0);
	}
	setsid();
	pid_t monitor = fork();
	if (monitor != 0)
		_exit(monitor < 0 ? 1 : 0);
	/* Never keep corrald's working directory busy (every path in the spec is absolute). */
	if (chdir("/") < 0)
		_exit(1);
}
