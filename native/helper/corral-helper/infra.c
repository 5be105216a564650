/* The sandbox infra: a pause process that holds the pod's new namespaces. Reports
   "ok <infra-pid>" once they are pinned; the infra then lives on without this helper. */
#define _GNU_SOURCE
#include "helper.h"
#include "mounts.h"
#include "namespaces.h"
#include "sync.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig) { _exit(sig == SIGTERM || sig == SIGINT ? 0 : 1); }

/* As the first process of a pid namespace it inherits orphans: reap them. */
static void on_child(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void pause_forever(void)
{
	struct sigaction term = { .sa_handler = on_term }, child = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };
	sigaction(SIGTERM, &term, NULL);
	sigaction(SIGINT, &term, NULL);
	sigaction(SIGCHLD, &child, NULL);
	for (;;)
		pause();
}

static int null_stdio(struct err *err)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		return fail(err, errno, "open /dev/null");
	for (int i = 0; i < 3; i++)
		dup2(null, i);
	if (null > 2)
		close(null);
	return 0;
}

static void run_child(const struct spec *s, int sync_fd)
{
	struct err err = { 0 };
	if (null_stdio(&err) < 0 || setsid() < 0 || enter_namespaces(s, sync_fd, 0, NULL, &err) < 0)
		sync_die(sync_fd, &err);
	if (s->hostname && s->hostname[0] && s->ns[NS_UTS].mode == NS_NEW &&
	    sethostname(s->hostname, strlen(s->hostname)) < 0) {
		fail(&err, errno, "sethostname %s", s->hostname);
		sync_die(sync_fd, &err);
	}
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || write_sysctls(rootfd, s, &err) < 0)
		sync_die(sync_fd, &err);
	close(rootfd);
	if (sync_send(sync_fd, SYNC_READY, NULL, &err) < 0)
		_exit(1);
	close(sync_fd);
	pause_forever();
}

int run_infra(const struct spec *s, struct err *err)
{
	int sync_fd;
	char buf[600];
	pid_t child = sync_fork(&sync_fd, err);
	if (child < 0)
		return -1;
	if (child == 0)
		run_child(s, sync_fd);
	pid_t infra = guide_namespaces(s, child, sync_fd, err);
	if (infra < 0 || sync_expect(sync_fd, SYNC_READY, buf, sizeof buf, err) < 0 || pin_namespaces(s, infra, err) < 0) {
		kill(child, SIGKILL);
		if (infra > 0)
			kill(infra, SIGKILL);
		unpin_namespaces(s);
		return wrap(err, "start sandbox infra");
	}
	if (infra != child)
		waitpid(child, NULL, 0);   /* the intermediate that made the pid namespace */
	printf("ok %d\n", (int)infra);
	return 0;
}
