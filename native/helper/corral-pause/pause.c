/* corral-pause: the pod's infra process. It only holds the pod's namespaces (corral pins them by
   bind mounts), so it keeps nothing a container could use: corral-helper infra starts it with no
   capabilities, no_new_privs, an empty environment and cwd / in an empty read-only root, and it
   makes itself non-dumpable at once (execve made it dumpable again). As the first process of
   the pod's pid namespace it reaps the orphans it inherits. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) { _exit(sig == SIGTERM || sig == SIGINT ? 0 : 1); }

static void on_child(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 1;
	struct sigaction term = { .sa_handler = on_term };
	struct sigaction child = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP | SA_RESTART };
	sigaction(SIGTERM, &term, NULL);
	sigaction(SIGINT, &term, NULL);
	sigaction(SIGCHLD, &child, NULL);
	on_child(SIGCHLD);   /* orphans that arrived before the handler */
	for (;;)
		pause();
}
